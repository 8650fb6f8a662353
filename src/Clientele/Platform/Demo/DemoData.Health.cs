using Clientele.Modules.Success.Health;
using Clientele.Platform.Database;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Health computed by the product from the rows the other modules wrote (after them, before the
    /// rollups): an enterprise model that weighs usage and engagement more, then one recomputation
    /// of every customer, which writes scores, history, health events and risk signals.
    /// </summary>
    public static async Task HealthAsync(DemoContext d)
    {
        await d.CreateAsync("health_models", new
        {
            name = "Enterprise", segment = "enterprise",
            weights = new { usage = 35, support = 15, billing = 15, engagement = 25, seats = 10 },
            thresholds = new { health_change = 8, renewal_health = 60 },
        });
        await ExpansionUsageAsync(d);
        await HealthRecompute.RunAsync(d.Session, d.Customers.Select(c => c.Id).ToList(), d.Now, "demo", d.Ct);
    }

    /// <summary>
    /// Usage of two paying accounts the expansion detector should notice when health is computed:
    /// one whose seats are all but full for two weeks, one whose daily users grew 40% in a month.
    /// </summary>
    private static async Task ExpansionUsageAsync(DemoContext d)
    {
        var candidates = await d.Session.ReadListAsync("""
            SELECT s.customer_id, s.seats_total FROM subscriptions s
            WHERE s.organization_id = $1 AND s.status IN ('active', 'past_due', 'trialing') AND s.seats_total >= 5 AND s.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM usage_metrics m WHERE m.organization_id = s.organization_id AND m.customer_id = s.customer_id)
            ORDER BY (s.status = 'active') DESC, s.seats_total DESC, s.customer_id LIMIT 2
            """, [d.Session.OrganizationId], r => (Id: r.GetGuid(0), Seats: r.GetInt32(1)), d.Ct);
        if (candidates.Count == 0) return;
        var (full, seats) = candidates[0];
        for (var day = 13; day >= 0; day--)
        {
            var active = seats - day % 2 * Math.Max(0, seats / 10);
            await d.CreateAsync("usage_metrics", new { customer_id = full, metric_date = d.Day(-day), dau = active * 3 / 4, login_count = active, active_users = active, adoption_score = 80 });
        }
        if (candidates.Count < 2) return;
        var (growing, room) = candidates[1];
        for (var day = 60; day >= 1; day--)
        {
            var dau = Math.Max(10, room / 4) * (day <= 30 ? 14 : 10) / 10;
            await d.CreateAsync("usage_metrics", new { customer_id = growing, metric_date = d.Day(-day), dau, login_count = dau * 2, active_users = dau, adoption_score = 70 });
        }
    }
}
