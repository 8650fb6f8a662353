using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// reactivate: takes back a cancellation scheduled for the period end, while the period lasts.
/// A subscription canceled now (or one not set to cancel) is a 409.
/// </summary>
public static class ReactivateSubscription
{
    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct)
    {
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null) return ActionOutcome.Missing($"No subscription with id {id}.");
        if (sub.Status == "canceled") return ActionOutcome.NotIn("canceled", "a canceled subscription cannot be reactivated; create a new one");
        if (!sub.CancelAtPeriodEnd) return ActionOutcome.NotIn(sub.Status, "the subscription is not set to cancel");
        if (sub.CurrentPeriodEnd is { } end && end <= now) return ActionOutcome.NotIn(sub.Status, "the period has ended; the cancellation is due");
        await s.ExecuteAsync(
            "UPDATE subscriptions SET cancel_at_period_end = false, canceled_at = NULL, updated_by = @actor WHERE organization_id = @org AND id = @id",
            new { org = s.OrganizationId, id, actor = s.Tenant.ActorId }, ct);
        return ActionOutcome.Done;
    }
}
