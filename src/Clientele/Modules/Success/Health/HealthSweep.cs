using System.Runtime.CompilerServices;
using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Clientele.Modules.Success.Health;

/// <summary>What one sweep did.</summary>
public sealed record HealthSweepResult(int Organizations, int Customers, int ScoresChanged, int SignalsOpened, int SignalsResolved);

/// <summary>
/// The periodic recomputation of every customer of every organization (a system job on the
/// clustered scheduler, nightly at 02:00 UTC by default: Success:HealthSweepCron), in chunks of Success:HealthSweepChunk customers, each chunk
/// one transaction: one evidence query and one batch of writes; Success:HealthSweepParallelism chunks at a time. Safe on two nodes at once (the
/// writes are upserts and the signal index keeps one open signal per type).
/// </summary>
public sealed class HealthSweep(TenantSessions sessions, AppDataSource app, IConfiguration config)
{
    public int Chunk => config.GetValue("Success:HealthSweepChunk", 1000);

    public async Task RunAsync(CancellationToken ct) => await RunAllAsync(DateTime.UtcNow, ct);

    public async Task<HealthSweepResult> RunAllAsync(DateTime now, CancellationToken ct)
    {
        var orgs = new List<Guid>();
        await using (var conn = await app.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("SELECT organization_id FROM success_orgs_with_customers()", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        var total = new HealthSweepResult(0, 0, 0, 0, 0);
        foreach (var org in orgs)
        {
            var one = await RunForAsync(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner }, now, ct);
            total = new HealthSweepResult(total.Organizations + 1, total.Customers + one.Customers, total.ScoresChanged + one.ScoresChanged,
                total.SignalsOpened + one.SignalsOpened, total.SignalsResolved + one.SignalsResolved);
        }
        return total;
    }

    /// <summary>How many chunks run at once (Success:HealthSweepParallelism, default 2): each on its own
    /// connection, so the host scores one chunk while PostgreSQL aggregates the next.</summary>
    public int Parallelism => Math.Max(1, config.GetValue("Success:HealthSweepParallelism", 2));

    /// <summary>Every live customer of one organization, in id order (keyset), chunk by chunk, Parallelism chunks at a time.</summary>
    public async Task<HealthSweepResult> RunForAsync(TenantContext tenant, DateTime now, CancellationToken ct)
    {
        int customers = 0, changed = 0, opened = 0, resolved = 0;
        await Parallel.ForEachAsync(ChunksAsync(tenant, ct), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (ids, token) =>
        {
            var outcomes = await RunChunkAsync(tenant, ids, now, token);
            Interlocked.Add(ref customers, outcomes.Count);
            Interlocked.Add(ref changed, outcomes.Count(o => o.ScoreChanged));
            Interlocked.Add(ref opened, outcomes.Sum(o => o.SignalChanges.Opened.Count));
            Interlocked.Add(ref resolved, outcomes.Sum(o => o.SignalChanges.Resolved.Count));
        });
        return new HealthSweepResult(1, customers, changed, opened, resolved);
    }

    /// <summary>One chunk, one transaction. Two chunks share no customer, but their side effects (approvals,
    /// notifications) may meet on a row: a deadlock or serialization failure rolls the chunk back and it runs again.</summary>
    private async Task<List<CustomerHealthOutcome>> RunChunkAsync(TenantContext tenant, List<Guid> ids, DateTime now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var s = sessions.Open(tenant);
                var outcomes = await HealthRecompute.RunAsync(s, ids, now, "schedule", ct);
                // The sweep covers any pending event request of these customers.
                await s.ExecuteAsync("DELETE FROM health_recompute_requests WHERE organization_id = $1 AND customer_id = ANY($2) AND due_at <= $3",
                    [tenant.OrganizationId, ids.ToArray(), now], ct);
                await s.CommitAsync(ct);
                return outcomes;
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure) { }
        }
    }

    private async IAsyncEnumerable<List<Guid>> ChunksAsync(TenantContext tenant, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = Guid.Empty;
        while (true)
        {
            List<Guid> ids;
            await using (var s = sessions.Open(tenant))
                ids = await s.ReadListAsync("SELECT id FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND id > $2 ORDER BY id LIMIT $3",
                    [tenant.OrganizationId, after, Chunk], r => r.GetGuid(0), ct);
            if (ids.Count == 0) yield break;
            yield return ids;
            if (ids.Count < Chunk) yield break;
            after = ids[^1];
        }
    }
}
