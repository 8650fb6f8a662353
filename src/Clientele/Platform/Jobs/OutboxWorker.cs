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
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(config.GetValue("Outbox:PollMilliseconds", 250));
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(config.GetValue("Outbox:LeaseSeconds", 60));
    private readonly double _backoffBaseSeconds = config.GetValue("Outbox:BackoffBaseSeconds", 2.0);
    // True while the last claim filled every free slot: there may be more due work, so a finished
    // job wakes the loop to claim again at once instead of after the poll interval.
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
                var free = slots.CurrentCount;
                var claimed = free > 0 ? await ClaimAsync(free, stoppingToken) : [];
                _backlog = free == 0 || claimed.Count == free;
                OutboxTelemetry.RowsClaimed(claimed.Count); // telemetry
                foreach (var job in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Add(Task.Run(async () =>
                    {
                        try { await RunAsync(job, stoppingToken); }
                        finally
                        {
                            slots.Release();
                            if (_backlog) signal.Wake();
                        }
                    }, stoppingToken));
                }
                running.RemoveAll(t => t.IsCompleted);
                if (claimed.Count < free || free == 0)
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
    }

    /// <summary>A claimed row of <paramref name="Table"/>: "outbox" or "inbound_events" (both have the queue columns).</summary>
    private sealed record Claimed(string Table, Guid Id, Guid OrganizationId, string Topic, string Payload, int Attempts, int MaxAttempts);

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
            await s.BeginAsync(ct);
            foreach (var gate in gates) await gate.CheckAsync(ctx, ct); // may hold the row back (IJobGate)
            await handler.HandleAsync(ctx, ct);
            await using (var done = await s.CommandAsync($"UPDATE {job.Table} SET processed_at = coalesce(processed_at, now()), locked_until = NULL, last_error = NULL WHERE id = $1", ct))
            {
                done.Parameters.AddWithValue(job.Id);
                await done.ExecuteNonQueryAsync(ct);
            }
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
