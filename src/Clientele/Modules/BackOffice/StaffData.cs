using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// Staff work runs on the app role like everything else. A staff transaction first sets
/// clientele.staff_id (transaction-local): the cross-organization functions
/// (clientele_staff_organizations, clientele_staff_tickets) answer only then, internal ticket
/// notes become visible and an organization's suspension may change. Work on one organization's
/// rows runs in a tenant session of that organization, so its RLS still applies.
/// </summary>
public sealed class StaffData(AppDataSource app, TenantSessions sessions)
{
    private const string SetStaff = "SELECT set_config('clientele.staff_id', $1, true)";

    /// <summary>A cross-organization transaction (commit it, or dispose to roll back).</summary>
    public async Task<StaffTransaction> BeginAsync(StaffMember staff, CancellationToken ct)
    {
        var conn = await app.DataSource.OpenConnectionAsync(ct);
        var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(SetStaff, conn, tx))
        {
            cmd.Parameters.AddWithValue(staff.Id.ToString());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new StaffTransaction(conn, tx);
    }

    /// <summary>A session on one organization (its RLS) whose open transaction is marked as staff work.</summary>
    public async Task<TenantSession> OrganizationAsync(StaffMember staff, Guid organizationId, CancellationToken ct)
    {
        var tenant = new TenantContext { OrganizationId = organizationId, ActorType = "system", Role = Roles.Owner, IpAddress = staff.Ip.ToString() };
        var s = sessions.Open(tenant);
        await s.ExecuteAsync(SetStaff, [staff.Id.ToString()], ct);
        return s;
    }
}

public sealed class StaffTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;
    public NpgsqlTransaction Transaction { get; } = transaction;

    public NpgsqlCommand Command(string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, Connection, Transaction);
        SqlArg.AddAll(cmd.Parameters, args);
        return cmd;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object?[] args, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = Command(sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(map(r));
        return list;
    }

    public Task CommitAsync(CancellationToken ct) => Transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
