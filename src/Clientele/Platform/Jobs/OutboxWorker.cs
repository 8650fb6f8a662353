using System.Diagnostics;
using System.Text.Json;
using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Claims due work across tenants from both queues, the outbox and the inbound events a webhook
/// acknowledged (clientele_claim_work, migration 0100: FOR UPDATE SKIP LOCKED, with a lease so a
/// crashed node's rows come back), runs each in its tenant's transaction, which also marks the row
/// processed, and on failure retries with exponential backoff and jitter until max_attempts, then
/// dead-letters the row with its last error. Any number of nodes can run this.
/// </summary>
public sealed class OutboxWorker(AppDataSource app, TenantSessions sessions, OutboxSignal signal, IEnumerable<IJobHandler> handlers,
    IEnumerable<IJobGate> gates, IConfiguration config, ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Topic, StringComparer.Ordinal);
    private readonly int _parallelism = config.GetValue("Outbox:Parallelism", 8);
    // Rows claimed ahead of free slots: under a backlog one claim serves several finished jobs
    // instead of one claim (a round trip and two index scans) per job.
    private readonly int _prefetch = Math.Max(0, config.GetValue("Outbox:Prefetch", config.GetValue("Outbox:Parallelism", 8)));
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(config.GetValue("Outbox:PollMilliseconds", 250));
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(config.GetValue("Outbox:LeaseSeconds", 60));
    private readonly double _backoffBaseSeconds = config.GetValue("Outbox:BackoffBaseSeconds", 2.0);
    private readonly Queue<Claimed> _buffer = new();
    // True while the last claim got all it asked for: there may be more due work, so a finished
    // job wakes the loop at once instead of after the poll interval.
    private volatile bool _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Outbox:Enabled", true)) return;
        using var slots = new SemaphoreSlim(_parallelism);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var exhausted = !_backlog;
                if (_buffer.Count < slots.CurrentCount)
                {
                    var want = slots.CurrentCount + _prefetch - _buffer.Count;
                    var claimed = await ClaimAsync(want, stoppingToken);
                    OutboxTelemetry.RowsClaimed(claimed.Count); // telemetry
                    foreach (var c in claimed) _buffer.Enqueue(c);
                    exhausted = claimed.Count < want;
                    _backlog = !exhausted;
                }
                var stale = new List<Claimed>();
                while (_buffer.Count > 0 && slots.Wait(0, CancellationToken.None))
                {
                    var job = _buffer.Dequeue();
                    // A row that waited here for half its lease goes back to the queue rather than risk
                    // running while its lease runs out (another node could then run it too).
                    if (job.Since.Elapsed > _lease / 2) { stale.Add(job); slots.Release(); continue; }
                    running.Add(Task.Run(async () =>
                    {
                        try { await RunAsync(job, stoppingToken); }
                        finally
                        {
                            slots.Release();
                            if (_backlog || _buffer.Count > 0) signal.Wake(); // a free slot: run a buffered row or claim more
                        }
                    }, stoppingToken));
                }
                if (stale.Count > 0) await ReleaseAsync(stale, CancellationToken.None);
                running.RemoveAll(t => t.IsCompleted);
                // Wait when nothing can start now: every slot busy, or the queues had nothing more.
                if (slots.CurrentCount == 0 || (exhausted && _buffer.Count == 0))
                {
                    try { await signal.WaitAsync(_poll, stoppingToken); } catch (OperationCanceledException) { break; }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(e, "Claiming outbox rows failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        // Stopping: rows claimed ahead go back now instead of when their lease runs out.
        if (_buffer.Count > 0)
        {
            try { await ReleaseAsync([.. _buffer], CancellationToken.None); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(e, "Returning {Count} claimed-ahead rows failed; their leases will expire", _buffer.Count);
            }
            _buffer.Clear();
        }
    }

    /// <summary>A claimed row of <paramref name="Table"/>: "outbox" or "inbound_events" (both have the queue columns).</summary>
    private sealed record Claimed(string Table, Guid Id, Guid OrganizationId, string Topic, string Payload, int Attempts, int MaxAttempts)
    {
        public Stopwatch Since { get; } = Stopwatch.StartNew();
    }

    private async Task<List<Claimed>> ClaimAsync(int limit, CancellationToken ct)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT source, id, organization_id, topic, payload::text, attempts, max_attempts FROM clientele_claim_work($1, $2, $3)");
        cmd.Parameters.AddWithValue(limit);
        cmd.Parameters.AddWithValue(_lease);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _handlers.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var list = new List<Claimed>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new Claimed(r.GetString(0) == "inbound_events" ? "inbound_events" : "outbox", r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetInt32(6)));
        return list;
    }

    /// <summary>Gives claimed rows that did not run back to the queue: lease cleared, the claim's attempt not counted.</summary>
    private async Task ReleaseAsync(IReadOnlyList<Claimed> rows, CancellationToken ct)
    {
        // Only while our lease still holds: past it another node may have claimed the row.
        var ours = rows.Where(r => r.Since.Elapsed < _lease - TimeSpan.FromSeconds(1)).ToList();
        if (ours.Count == 0) return;
        await using var batch = app.DataSource.CreateBatch();
        foreach (var table in new[] { "outbox", "inbound_events" })
        {
            var ids = ours.Where(r => r.Table == table).Select(r => r.Id).ToArray();
            if (ids.Length == 0) continue;
            var cmd = new NpgsqlBatchCommand($"UPDATE {table} SET locked_until = NULL, attempts = greatest(attempts - 1, 0) WHERE id = ANY($1) AND processed_at IS NULL AND locked_until > now()");
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs one claimed row to completion, retry or dead letter. Public for tests that drive jobs directly.</summary>
    private async Task RunAsync(Claimed job, CancellationToken ct)
    {
        var handler = _handlers[job.Topic];
        using var telemetry = OutboxTelemetry.Start(job.Topic, job.Id, job.Attempts); // telemetry: one span per run
        using var payload = JsonDocument.Parse(job.Payload);
        var tenant = new TenantContext { OrganizationId = job.OrganizationId, ActorType = "system", Role = Roles.Owner };
        await using var s = sessions.Open(tenant);
        var ctx = new JobContext(job.Id, job.Topic, payload.RootElement, job.Attempts, job.MaxAttempts, s);
        try
        {
            NpgsqlBatchCommand Done()
            {
                var done = new NpgsqlBatchCommand($"UPDATE {job.Table} SET processed_at = coalesce(processed_at, now()), locked_until = NULL, last_error = NULL WHERE id = $1");
                done.Parameters.Add(new NpgsqlParameter { Value = job.Id });
                return done;
            }
            // An outbox row is marked done first, in the round trip that sets the tenant: it commits with
            // the handler's work or rolls back with it, and the commit follows the handler's last statement
            // at once (locks the handler took, such as the organization's usage row, are held no longer).
            // Inbound events are marked at the end: their handlers read processed_at to skip a repeat.
            var early = job.Table == "outbox";
            await s.BeginAsync(early ? [Done()] : [], ct);
            foreach (var gate in gates) await gate.CheckAsync(ctx, ct); // may hold the row back (IJobGate)
            await handler.HandleAsync(ctx, ct);
            if (s.Commits != 0) logger.LogError("Handler of {Topic} committed the job's transaction itself; queue row {Id} completes with its last transaction", job.Topic, job.Id);
            if (!early || s.Commits != 0) await s.BeginAsync([Done()], ct);
            await s.CommitAsync(ct);
            telemetry.Succeeded(); // telemetry
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease expires and another node (or the next start) takes it.
        }
        catch (Exception e)
        {
            await s.RollbackAsync(CancellationToken.None);
            var retryLater = e as RetryLaterException;
            var error = $"{e.GetType().Name}: {e.Message}";
            var waitingTurn = retryLater is { CountsAsAttempt: false };
            var dead = !waitingTurn && (job.Attempts >= job.MaxAttempts || e is PermanentJobException);
            var delay = retryLater?.After ?? Backoff(job.Attempts);
            telemetry.Failed(dead ? "dead" : waitingTurn ? "waiting" : "retry", e); // telemetry
            if (dead) logger.LogError(e, "Queued work {Id} ({Topic}, {Table}) dead after {Attempts} attempts", job.Id, job.Topic, job.Table, job.Attempts);
            else if (!waitingTurn) logger.LogWarning("Queued work {Id} ({Topic}, {Table}) attempt {Attempt} failed, retrying in {Delay}: {Error}", job.Id, job.Topic, job.Table, job.Attempts, delay, error);
            try
            {
                await s.BeginAsync(CancellationToken.None);
                if (dead) await handler.OnDeadAsync(ctx, error, CancellationToken.None);
                await using (var cmd = await s.CommandAsync(dead
                    ? $"UPDATE {job.Table} SET dead_at = now(), locked_until = NULL, last_error = $2 WHERE id = $1"
                    : waitingTurn
                        ? $"UPDATE {job.Table} SET available_at = now() + $3, locked_until = NULL, last_error = $2, attempts = greatest(attempts - 1, 0) WHERE id = $1"
                        : $"UPDATE {job.Table} SET available_at = now() + $3, locked_until = NULL, last_error = $2 WHERE id = $1", CancellationToken.None))
                {
                    cmd.Parameters.AddWithValue(job.Id);
                    cmd.Parameters.AddWithValue(error.Length > 4000 ? error[..4000] : error);
                    if (!dead) cmd.Parameters.AddWithValue(delay);
                    await cmd.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await s.CommitAsync(CancellationToken.None);
            }
            catch (Exception inner) when (inner is NpgsqlException or InvalidOperationException)
            {
                logger.LogError(inner, "Recording the failure of outbox {Id} failed; its lease will expire and it will run again", job.Id);
            }
        }
    }

    /// <summary>2^attempt × base seconds (capped at 10 minutes), with ±20% jitter so retries do not synchronize.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(600, _backoffBaseSeconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}

public static class JobsSetup
{
    public static IServiceCollection AddClienteleJobs(this IServiceCollection services)
    {
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Outbox>();
        services.AddHostedService<OutboxWorker>();
        services.AddHostedService<OutboxListener>();
        foreach (var type in typeof(IJobHandler).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IJobHandler).IsAssignableFrom(t)))
            services.AddSingleton(typeof(IJobHandler), type);
        return services;
    }
}
