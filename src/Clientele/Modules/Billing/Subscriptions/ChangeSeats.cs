using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// change_seats {seats_total, seats_used?}: takes effect now (MRR/ARR follow from the catalogue);
/// seats_used never exceeds seats_total. Not on a canceled or unpaid subscription.
/// </summary>
public static class ChangeSeats
{
    public sealed record Body(int? SeatsTotal, int? SeatsUsed);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, Body body, CancellationToken ct)
    {
        if (body.SeatsTotal is not { } total) return ActionOutcome.Invalid("seats_total", "is required");
        if (total is < 1 or > 1_000_000) return ActionOutcome.Invalid("seats_total", "must be from 1 to 1000000");
        if (body.SeatsUsed is < 0) return ActionOutcome.Invalid("seats_used", "must not be negative");
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null) return ActionOutcome.Missing($"No subscription with id {id}.");
        if (sub.Status is "canceled" or "unpaid") return ActionOutcome.NotIn(sub.Status, "seats change only on a trialing, active or past_due subscription");
        var used = body.SeatsUsed ?? sub.SeatsUsed;
        if (used > total)
            return body.SeatsUsed is null
                ? ActionOutcome.Invalid("seats_total", $"must be at least seats_used ({sub.SeatsUsed}); lower seats_used in the same request")
                : ActionOutcome.Invalid("seats_used", $"must not exceed seats_total ({total})");
        await s.ExecuteAsync("""
            UPDATE subscriptions SET seats_total = @total, seats_used = @used, updated_by = @actor
            WHERE organization_id = @org AND id = @id
            """, new { org = s.OrganizationId, id, total, used, actor = s.Tenant.ActorId }, ct);
        return ActionOutcome.Done;
    }
}
