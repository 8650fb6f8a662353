using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// cancel {at_period_end = true}: at the period end (the renewal run then cancels instead of
/// renewing) or now (status canceled, canceled_at now). A canceled subscription cannot be canceled again.
/// </summary>
public static class CancelSubscription
{
    public sealed record Body(bool? AtPeriodEnd);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, Body body, DateTime now, CancellationToken ct)
    {
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null) return ActionOutcome.Missing($"No subscription with id {id}.");
        if (sub.Status == "canceled") return ActionOutcome.NotIn("canceled", "the subscription is already canceled");
        var atPeriodEnd = body.AtPeriodEnd ?? true;
        if (atPeriodEnd && sub.CancelAtPeriodEnd) return ActionOutcome.NotIn(sub.Status, "the subscription is already set to cancel at the period end");
        if (atPeriodEnd && sub.CurrentPeriodEnd is null) return ActionOutcome.Invalid("at_period_end", "the subscription has no period end; cancel it now");
        await s.ExecuteAsync(atPeriodEnd
            ? "UPDATE subscriptions SET cancel_at_period_end = true, canceled_at = @now, updated_by = @actor WHERE organization_id = @org AND id = @id"
            : "UPDATE subscriptions SET status = 'canceled', cancel_at_period_end = false, canceled_at = @now, scheduled_plan = NULL, scheduled_billing_cycle = NULL, updated_by = @actor WHERE organization_id = @org AND id = @id",
            new { org = s.OrganizationId, id, now, actor = s.Tenant.ActorId }, ct);
        if (!atPeriodEnd) await BillingEvents.SubscriptionCanceledAsync(s, id, sub.Status, ct);
        return ActionOutcome.Done;
    }
}
