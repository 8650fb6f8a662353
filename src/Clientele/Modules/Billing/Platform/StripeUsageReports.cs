using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// Reports the organization's use to Stripe as Billing Meter events once per ended calendar month
/// and metric: <c>messages</c> (AI replies and outbound messages: plan_usage, the count the limits
/// use; meter Stripe__MeterEvent) and <c>tokens</c> (the AI tokens of every model call the
/// organization made: llm_usage_logs.total_tokens; meter Stripe__TokensMeterEvent). Each month is
/// recorded in usage_records (one row per metric and period), then sent with the row's identifier
/// and marked reported_at. Runs every Stripe__UsageReportIntervalSeconds (default 3600); idempotent.
/// </summary>
public sealed class StripeUsageReports(TenantSessions sessions, AppDataSource app, StripeGateway stripe, IConfiguration config) : IScheduledWork
{
    public string Name => "billing.stripe_usage";
    public TimeSpan Interval => TimeSpan.FromSeconds(stripe.Settings.Configured ? config.GetValue("Stripe:UsageReportIntervalSeconds", 3600) : 0);

    public async Task RunAsync(CancellationToken ct)
    {
        if (!stripe.Settings.Configured) return;
        var orgs = new List<Guid>();
        await using (var cmd = app.DataSource.CreateCommand("SELECT clientele_orgs_with_stripe_subscription()"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        foreach (var org in orgs)
            await ReportAsync(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner }, DateTime.UtcNow, ct);
    }

    /// <summary>Records the month before <paramref name="now"/>'s and sends every ended, unreported period; returns how many were sent.</summary>
    public async Task<int> ReportAsync(TenantContext tenant, DateTime now, CancellationToken ct)
    {
        await using var s = sessions.Open(tenant);
        var sub = await s.ReadFirstAsync("""
            SELECT id, stripe_customer_id FROM platform_subscriptions
            WHERE organization_id = $1 AND stripe_customer_id IS NOT NULL AND status IN ('active', 'trialing', 'past_due')
            """, [s.OrganizationId], r => (Id: r.GetGuid(0), Customer: r.GetString(1)), ct);
        if (sub.Customer is null) return 0;
        var month = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var previous = month.AddMonths(-1);
        // Counts above int are capped (usage_records.quantity is an integer, as in seed 002).
        await s.ExecuteAsync("""
            INSERT INTO usage_records (id, organization_id, subscription_id, metric_type, quantity, period_start, period_end)
            VALUES ($1, $2, $3, 'messages', least(coalesce((SELECT p.used FROM plan_usage p WHERE p.organization_id = $2 AND p.metric = 'messages' AND p.period_start = $4::date), 0), 2147483647)::int, $4, $5),
                   ($6, $2, $3, 'tokens', least(coalesce((SELECT sum(l.total_tokens) FROM llm_usage_logs l WHERE l.organization_id = $2 AND l.created_at >= $4 AND l.created_at < $5), 0), 2147483647)::int, $4, $5)
            ON CONFLICT (organization_id, metric_type, period_start) DO NOTHING
            """, [Guid.CreateVersion7(), s.OrganizationId, sub.Id, previous, month, Guid.CreateVersion7()], ct);
        await s.CommitAsync(ct);

        var due = await s.ReadListAsync("""
            SELECT id, metric_type, quantity, period_end FROM usage_records
            WHERE organization_id = $1 AND metric_type IN ('messages', 'tokens') AND reported_at IS NULL AND period_end <= $2
            ORDER BY period_start, metric_type
            """, [s.OrganizationId, now], r => (Id: r.GetGuid(0), Metric: r.GetString(1), Quantity: r.GetInt32(2), End: DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Utc)), ct);
        foreach (var (id, metric, quantity, end) in due)
        {
            var identifier = $"clientele-usage-{id}";
            var meter = metric == "tokens" ? stripe.Settings.TokensMeterEvent : stripe.Settings.MeterEvent;
            await stripe.MeterEventAsync(meter, sub.Customer, quantity, end.AddSeconds(-1), identifier, ct);
            await s.ExecuteAsync("UPDATE usage_records SET reported_at = now(), stripe_identifier = $3 WHERE organization_id = $1 AND id = $2",
                [s.OrganizationId, id, identifier], ct);
            await s.CommitAsync(ct);
        }
        return due.Count;
    }
}
