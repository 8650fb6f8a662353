using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>
/// renewal.upcoming: once per period, when a subscription that will renew (not set to cancel)
/// is within the notice days of its period end. renewal_notice_for remembers the period end it
/// was published for, so a second run (or node) publishes nothing again.
/// </summary>
public static class RenewalNotices
{
    public static async Task<int> RunAsync(TenantSession s, int noticeDays, DateTime now, CancellationToken ct)
    {
        if (noticeDays <= 0) return 0;
        var ids = await s.QueryAsync("""
            UPDATE subscriptions SET renewal_notice_for = current_period_end
            WHERE organization_id = $1 AND status IN ('active', 'trialing', 'past_due') AND deleted_at IS NULL AND NOT cancel_at_period_end
              AND current_period_end > $2 AND current_period_end <= $2 + make_interval(days => $3)
              AND renewal_notice_for IS DISTINCT FROM current_period_end
            RETURNING id
            """, [s.OrganizationId, now, noticeDays], r => r.GetGuid(0), ct);
        foreach (var id in ids) await BillingEvents.RenewalUpcomingAsync(s, id, ct);
        return ids.Count;
    }
}
