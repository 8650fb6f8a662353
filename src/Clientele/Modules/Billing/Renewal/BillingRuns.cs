using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>What one billing run did.</summary>
public sealed record BillingRunResult(int Renewed, int Canceled, int DunningSteps, int CreditsExpired, int RenewalNotices = 0);

/// <summary>
/// The scheduled billing work: renewals (each subscription in its own transaction), dunning and
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
        int renewed = 0, canceled = 0;
        while (true)
        {
            List<Guid> due;
            await using (var s = sessions.Open(tenant))
                due = (await s.QueryAsync<Guid>("""
                    SELECT id FROM subscriptions WHERE organization_id = @org AND current_period_end <= @now
                      AND status IN ('active', 'past_due', 'trialing') AND deleted_at IS NULL
                    ORDER BY current_period_end LIMIT 2000
                    """, new { org = tenant.OrganizationId, now }, ct)).ToList();
            if (due.Count == 0) break;
            var before = renewed + canceled;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
            {
                await using var s = sessions.Open(tenant);
                var outcome = await RenewSubscription.RunAsync(s, id, now, token);
                await s.CommitAsync(token);
                if (outcome == RenewSubscription.Outcome.Renewed) Interlocked.Increment(ref renewed);
                else if (outcome == RenewSubscription.Outcome.Canceled) Interlocked.Increment(ref canceled);
            });
            if (renewed + canceled == before) break; // nothing moved (another node holds them): stop
        }
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
