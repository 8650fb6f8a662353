using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>What one billing run did.</summary>
public sealed record BillingRunResult(int Renewed, int Canceled, int DunningSteps, int CreditsExpired, int RenewalNotices = 0);

/// <summary>
/// The scheduled billing work: renewals (in batches, see RenewBatch), dunning and
/// credit expiry, for every organization with due work or for one. Safe to run twice or on two
/// nodes at once: every step re-checks its row under a lock.
/// </summary>
public sealed class BillingRuns(TenantSessions sessions, AppDataSource app, IConfiguration config) : IScheduledWork
{
    public string Name => "billing";
    public TimeSpan Interval => TimeSpan.FromSeconds(config.GetValue("Billing:RunIntervalSeconds", 300));

    public IReadOnlyList<int> ReminderDays =>
        (config["Billing:Dunning:ReminderDays"] ?? "1,3,7").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).Order().ToList();

    public int Parallelism => config.GetValue("Billing:RenewalParallelism", 4);

    /// <summary>Subscriptions renewed per transaction.</summary>
    public int BatchSize => config.GetValue("Billing:RenewalBatchSize", 500);

    /// <summary>renewal.upcoming is published this many days before a period ends (once per period).</summary>
    public int RenewalNoticeDays => config.GetValue("Billing:RenewalNoticeDays", 7);

    public async Task RunAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var orgs = new List<Guid>();
        await using (var conn = await app.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("SELECT organization_id FROM billing_orgs_with_due_work($1, $2)", conn))
        {
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(RenewalNoticeDays);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        }
        foreach (var org in orgs) await RunForAsync(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner }, now, ct);
    }

    public async Task<BillingRunResult> RunForAsync(TenantContext tenant, DateTime now, CancellationToken ct)
    {
        // Batches of due subscriptions (RenewBatch: set-based, SKIP LOCKED), one transaction each, on
        // Parallelism workers; a worker stops when no due subscription is left for it.
        int renewed = 0, canceled = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Parallelism), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (_, token) =>
        {
            while (true)
            {
                await using var s = sessions.Open(tenant);
                var (r, c) = await RenewBatch.RunAsync(s, now, BatchSize, token);
                await s.CommitAsync(token);
                if (r + c == 0) break;
                Interlocked.Add(ref renewed, r);
                Interlocked.Add(ref canceled, c);
            }
        });
        int steps, expired, notices;
        await using (var s = sessions.Open(tenant))
        {
            notices = await RenewalNotices.RunAsync(s, RenewalNoticeDays, now, ct);
            steps = await Dunning.RunAsync(s, ReminderDays, now, ct);
            expired = await s.ExecuteAsync(
                "UPDATE credits SET status = 'expired' WHERE organization_id = @org AND status = 'active' AND expires_at <= @now AND deleted_at IS NULL",
                new { org = tenant.OrganizationId, now }, ct);
            await s.CommitAsync(ct);
        }
        return new BillingRunResult(renewed, canceled, steps, expired, notices);
    }
}
