using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Clientele.Platform.Database;

/// <summary>
/// One unit of tenant work on the app role. Writes run in an explicit transaction whose first
/// statement sets clientele.organization_id with set_config(..., true) (transaction-local, so
/// pooled connections never leak a tenant). Single reads skip the explicit transaction: the
/// set_config and the query travel as one batch, which PostgreSQL runs as one implicit
/// transaction, in one round trip.
/// </summary>
public sealed class TenantSession : IAsyncDisposable
{
    private const string SetTenantSql = "SELECT set_config('clientele.organization_id', $1, true)";
    private readonly NpgsqlDataSource _dataSource;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private ClienteleDb? _db;
    private readonly Func<NpgsqlConnection, ClienteleDb> _dbFactory;

    public TenantSession(NpgsqlDataSource dataSource, TenantContext tenant, Func<NpgsqlConnection, ClienteleDb> dbFactory)
    {
        _dataSource = dataSource;
        Tenant = tenant;
        _dbFactory = dbFactory;
    }

    public TenantContext Tenant { get; }
    public Guid OrganizationId => Tenant.OrganizationId;
    public NpgsqlTransaction? Transaction => _transaction;

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken ct)
    {
        if (!Tenant.IsSet) throw new InvalidOperationException("No tenant is set for this session.");
        if (_connection is null)
        {
            _connection = _dataSource.CreateConnection();
            await _connection.OpenAsync(ct);
        }
        return _connection;
    }

    /// <summary>Begins the explicit transaction (idempotent) and sets the tenant inside it.</summary>
    public async Task<NpgsqlConnection> BeginAsync(CancellationToken ct = default)
    {
        var conn = await ConnectionAsync(ct);
        if (_transaction is null)
        {
            _transaction = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            await using var cmd = new NpgsqlCommand(SetTenantSql, conn, _transaction);
            cmd.Parameters.AddWithValue(OrganizationId.ToString());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return conn;
    }

    /// <summary>
    /// Begins the transaction (if needed) and runs <paramref name="first"/> in it, in the same round
    /// trip as the tenant setting (the outbox worker marks its row done this way before the handler runs).
    /// </summary>
    public async Task<NpgsqlConnection> BeginAsync(IReadOnlyList<NpgsqlBatchCommand> first, CancellationToken ct)
    {
        var conn = await ConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        if (_transaction is null)
        {
            _transaction = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            batch.BatchCommands.Add(SetTenantCommand(OrganizationId));
        }
        batch.Transaction = _transaction;
        foreach (var c in first) batch.BatchCommands.Add(c);
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
        return conn;
    }

    /// <summary>
    /// The transaction-local tenant setting as a batch command, for a batch that is its own implicit
    /// transaction (the inbound group commit writes several tenants' rows in one batch, each INSERT
    /// after its own tenant's setting; the setting lasts until the next one or the batch's end).
    /// </summary>
    public static NpgsqlBatchCommand SetTenantCommand(Guid organizationId)
    {
        var set = new NpgsqlBatchCommand(SetTenantSql);
        set.Parameters.Add(new NpgsqlParameter { Value = organizationId.ToString() });
        return set;
    }

    /// <summary>How many transactions this session has committed (the outbox worker checks that a handler did not commit).</summary>
    public int Commits { get; private set; }

    /// <summary>The domain_events dispatch outbox row of the current transaction (DomainEvents merges into it); reset at commit and rollback.</summary>
    internal Guid? DispatchRowId { get; set; }

    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_transaction is null) return;
        await _transaction.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
        DispatchRowId = null;
        Commits++;
        if (_db is not null) { await _db.DisposeAsync(); _db = null; }
        var callbacks = _onCommitted;
        _onCommitted = null;
        callbacks?.ForEach(c => c());
    }

    private List<Action>? _onCommitted;

    /// <summary>Runs after the current transaction commits (never if it rolls back), e.g. to wake workers.</summary>
    public void OnCommitted(Action action) => (_onCommitted ??= []).Add(action);

    /// <summary>Rolls the current transaction back (the session can begin a new one).</summary>
    public async Task RollbackAsync(CancellationToken ct = default)
    {
        _onCommitted = null;
        DispatchRowId = null;
        if (_db is not null) { await _db.DisposeAsync(); _db = null; }
        if (_transaction is null) return;
        await _transaction.RollbackAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    /// <summary>A command inside the explicit transaction.</summary>
    public async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken ct = default)
    {
        var conn = await BeginAsync(ct);
        return new NpgsqlCommand(sql, conn, _transaction);
    }

    /// <summary>
    /// Runs one query and returns its reader. Inside an explicit transaction it is a plain
    /// command; otherwise a batch of set_config + query (one round trip, one implicit transaction).
    /// </summary>
    public async Task<NpgsqlDataReader> ReadAsync(string sql, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken ct = default)
    {
        if (_transaction is not null)
        {
            var cmd = new NpgsqlCommand(sql, _connection, _transaction);
            foreach (var p in parameters) cmd.Parameters.Add(p);
            return await cmd.ExecuteReaderAsync(ct);
        }
        var conn = await ConnectionAsync(ct);
        var batch = new NpgsqlBatch(conn);
        batch.BatchCommands.Add(SetTenantCommand(OrganizationId));
        var query = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters) query.Parameters.Add(p);
        batch.BatchCommands.Add(query);
        var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct); // skip set_config's row
        return reader;
    }

    /// <summary>The EF context on this session's connection and transaction (for typed domain code).</summary>
    public async Task<ClienteleDb> DbAsync(CancellationToken ct = default)
    {
        var conn = await BeginAsync(ct);
        if (_db is null)
        {
            _db = _dbFactory(conn);
            await _db.Database.UseTransactionAsync(_transaction, ct);
        }
        return _db;
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
        if (_transaction is not null) await _transaction.DisposeAsync(); // rolls back if not committed
        if (_connection is not null) await _connection.DisposeAsync();
    }
}

/// <summary>Creates tenant sessions for the current request's tenant.</summary>
public sealed class TenantSessions(AppDataSource app, DbModel model)
{
    public TenantSession Open(TenantContext tenant) =>
        new(app.DataSource, tenant, conn => new ClienteleDb(model.OptionsFor(conn), tenant));
}

/// <summary>The app role's pooled data source (NOBYPASSRLS; every request).</summary>
public sealed class AppDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
