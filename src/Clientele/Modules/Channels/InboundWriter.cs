using System.Threading.Channels;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Channels;

/// <summary>
/// Group commit for inbound events (issue 16). Concurrent deliveries hand their rows to a few
/// writers; a writer takes every delivery waiting (up to <see cref="MaxRows"/> rows) and writes
/// them in one batch that PostgreSQL runs as one implicit transaction: per organization the
/// transaction-local tenant setting and one INSERT ... unnest (RLS checks each row against its
/// own organization). Each delivery is answered only after the commit that holds its rows
/// (acknowledged = durable), and a delivery whose batch failed is written again alone, so one
/// bad delivery fails only itself (Meta then redelivers it; the provider id keeps it once).
/// Under load the batches grow instead of the connections: the database sees a few writers
/// whatever the number of concurrent requests, which keeps the latency flat up to its rate.
/// </summary>
public sealed class InboundWriter : IAsyncDisposable
{
    public sealed record Row(string Platform, string Kind, string ExternalId, Guid PhoneNumberId, string Payload, string? Rejected);

    private sealed class Delivery(Guid organizationId, IReadOnlyList<Row> rows)
    {
        public Guid OrganizationId { get; } = organizationId;
        public IReadOnlyList<Row> Rows { get; } = rows;
        public Guid[] Ids { get; } = rows.Select(_ => Guid.CreateVersion7()).ToArray();
        public int Created;
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Rows per batch at most (a WhatsApp message row is ~1 KB).</summary>
    public const int MaxRows = 500;

    private const string Sql = """
        INSERT INTO inbound_events (id, organization_id, provider, kind, external_id, phone_number_id, payload, status, rejected_reason)
        SELECT id, $1, provider, kind, external_id, phone_number_id, payload,
               CASE WHEN reason IS NULL THEN 'received' ELSE 'rejected' END, reason
        FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::text[])
          AS t(id, provider, kind, external_id, phone_number_id, payload, reason)
        ON CONFLICT (organization_id, provider, kind, external_id) DO NOTHING
        RETURNING id, status = 'received'
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly OutboxSignal _signal;
    private readonly ILogger<InboundWriter> _logger;
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lazy<Task[]> _writers;
    private int _splits;

    /// <summary>How many group commits failed and were written again delivery by delivery (tests).</summary>
    internal int Splits => Volatile.Read(ref _splits);

    public InboundWriter(AppDataSource app, OutboxSignal signal, IConfiguration config, ILogger<InboundWriter> logger)
    {
        _dataSource = app.DataSource;
        _signal = signal;
        _logger = logger;
        // Two writers keep one batch gathering while the other is in its round trip; more only on more cores.
        var writers = config.GetValue("Inbound:Writers", Math.Clamp(Environment.ProcessorCount, 2, 8));
        _writers = new Lazy<Task[]>(() => Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray());
    }

    /// <summary>Writes one delivery's rows for an organization; returns how many were new received events, after their commit.</summary>
    public Task<int> WriteAsync(Guid organizationId, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return Task.FromResult(0);
        _ = _writers.Value;
        var d = new Delivery(organizationId, rows);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(d), this);
        // The request may give up waiting; the rows are still written (or not) as one, and a redelivery is deduplicated.
        return d.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Delivery>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                batch.Clear();
                var rows = 0;
                while (rows < MaxRows && _queue.Reader.TryRead(out var d))
                {
                    batch.Add(d);
                    rows += d.Rows.Count;
                }
                if (batch.Count == 0) continue;
                await WriteBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        foreach (var d in batch) d.Done.TrySetCanceled();
    }

    private async Task WriteBatchAsync(List<Delivery> batch)
    {
        try
        {
            await InsertAsync(batch, _stop.Token);
            Complete(batch);
        }
        catch (Exception e) when (batch.Count > 1 && !_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _splits);
            _logger.LogWarning(e, "A group commit of {Count} inbound deliveries failed; writing them one by one", batch.Count);
            foreach (var d in batch)
            {
                try
                {
                    d.Created = 0;
                    await InsertAsync([d], _stop.Token);
                    Complete([d]);
                }
                catch (Exception one) { d.Done.TrySetException(one); }
            }
        }
        catch (Exception e)
        {
            foreach (var d in batch) d.Done.TrySetException(e);
        }
    }

    private void Complete(List<Delivery> batch)
    {
        if (batch.Any(d => d.Created > 0)) _signal.Wake();
        foreach (var d in batch) d.Done.TrySetResult(d.Created);
    }

    /// <summary>One round trip, one implicit transaction: per organization its tenant setting and one INSERT.</summary>
    private async Task InsertAsync(List<Delivery> batch, CancellationToken ct)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlBatch(conn);
        var owners = new Dictionary<Guid, Delivery>();
        foreach (var org in batch.GroupBy(d => d.OrganizationId))
        {
            var ds = org.ToList();
            var rows = ds.SelectMany(d => d.Rows).ToList();
            foreach (var d in ds)
                foreach (var id in d.Ids) owners[id] = d;
            cmd.BatchCommands.Add(TenantSession.SetTenantCommand(org.Key));
            var insert = new NpgsqlBatchCommand(Sql);
            insert.Parameters.Add(new NpgsqlParameter { Value = org.Key });
            insert.Parameters.Add(new NpgsqlParameter { Value = ds.SelectMany(d => d.Ids).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Platform).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Kind).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ExternalId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.PhoneNumberId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Rejected).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            cmd.BatchCommands.Add(insert);
        }
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            do
            {
                if (r.FieldCount != 2) continue; // a set_config result
                while (await r.ReadAsync(ct))
                    if (r.GetBoolean(1)) owners[r.GetGuid(0)].Created++;
            } while (await r.NextResultAsync(ct));
        }
        // The reader is closed: the batch's implicit transaction has committed (an error anywhere threw and rolled all of it back).
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writers.IsValueCreated)
        {
            // Let the writers finish what was handed to them (requests drain before the host disposes singletons).
            var all = Task.WhenAll(_writers.Value);
            if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10))) != all) _stop.Cancel();
            try { await all; } catch (OperationCanceledException) { }
        }
        while (_queue.Reader.TryRead(out var d)) d.Done.TrySetCanceled();
        _stop.Dispose();
    }
}
