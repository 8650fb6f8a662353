using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// activate: a trialing subscription becomes active now (the trial ends early); its first paid
/// period starts now. Any other state is a 409 naming it.
/// </summary>
public static class ActivateSubscription
{
    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct)
    {
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null) return ActionOutcome.Missing($"No subscription with id {id}.");
        if (sub.Status != "trialing") return ActionOutcome.NotIn(sub.Status, "only a trialing subscription can be activated");
        await s.ExecuteAsync("""
            UPDATE subscriptions SET status = 'active', trial_end = @now, current_period_start = @now, current_period_end = @end,
              updated_by = @actor
            WHERE organization_id = @org AND id = @id
            """, new { org = s.OrganizationId, id, now, end = SubscriptionRows.AddCycle(now, sub.BillingCycle), actor = s.Tenant.ActorId }, ct);
        return ActionOutcome.Done;
    }
}
