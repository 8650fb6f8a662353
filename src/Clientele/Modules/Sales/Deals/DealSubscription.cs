using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Deals;

/// <summary>
/// Winning a deal that describes a subscription (extra_metadata.plan, optional seats and
/// billing_cycle) gives its customer that subscription, through billing's own rules: a customer
/// without a live subscription gets a new one (the billing trigger derives MRR/ARR, the period and a
/// trial from the plan catalogue); a live one changes seats (ChangeSeats) and then plan (ChangePlan:
/// an upgrade invoices the prorated difference now, a downgrade waits for the period end). The
/// subscription's id and what happened are kept in the deal's extra_metadata. A deal that describes
/// nothing, or has no customer, changes no subscription.
/// </summary>
public static class DealSubscription
{
    public sealed record Wanted(string Plan, int? Seats, string? Cycle);

    private static readonly string[] Plans = ["free", "basic", "premium", "enterprise"];

    /// <summary>The subscription a deal describes, or null; a description that cannot be applied is a 422 naming the field.</summary>
    public static (Wanted? Wanted, ActionOutcome? Refusal) Read(JsonNode? meta)
    {
        if (meta?["plan"] is not JsonValue planValue) return (null, null);
        if (!planValue.TryGetValue<string>(out var plan) || !Plans.Contains(plan))
            return (null, ActionOutcome.Invalid("extra_metadata.plan", "must be one of " + string.Join(", ", Plans) + " (the subscription the won deal gives its customer)"));
        int? seats = null;
        if (meta["seats"] is JsonValue sv)
        {
            if (!sv.TryGetValue<int>(out var n) || n is < 1 or > 1_000_000) return (null, ActionOutcome.Invalid("extra_metadata.seats", "must be a whole number from 1 to 1000000"));
            seats = n;
        }
        var cycle = meta["billing_cycle"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? meta["billing_cycle"]!.GetValue<string>() : null;
        if (meta["billing_cycle"] is not null && cycle is not ("monthly" or "annual"))
            return (null, ActionOutcome.Invalid("extra_metadata.billing_cycle", "must be monthly or annual"));
        return (new Wanted(plan, seats, cycle), null);
    }

    /// <summary>What winning the deal would do to subscriptions: nothing (null wanted), or a refusal to show before it is won.</summary>
    public static async Task<(Wanted? Wanted, Guid Customer, ActionOutcome? Refusal)> CheckAsync(TenantSession s, Guid dealId, CancellationToken ct)
    {
        var deal = await SalesRows.ReadAsync(s, "deals", dealId, ct);
        if (deal is null) return (null, Guid.Empty, ActionOutcome.Missing($"No deal with id {dealId}."));
        var (wanted, refusal) = Read(deal["extra_metadata"]);
        if (refusal is not null || wanted is null) return (null, Guid.Empty, refusal);
        if (deal["customer_id"]?.GetValue<string>() is not { } customer)
            return (null, Guid.Empty, ActionOutcome.Invalid("customer_id", "is required to win a deal that describes a subscription (extra_metadata.plan): link the customer first"));
        return (wanted, Guid.Parse(customer), null);
    }

    public static async Task<ActionOutcome> ApplyAsync(TenantSession s, Guid dealId, DateTime now, CancellationToken ct)
    {
        var (wanted, customer, refusal) = await CheckAsync(s, dealId, ct);
        if (refusal is not null) return refusal;
        if (wanted is null) return ActionOutcome.Done;

        var live = await s.QueryFirstAsync("""
            SELECT id, plan, billing_cycle, seats_total FROM subscriptions
            WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND status IN ('active', 'trialing', 'past_due')
            ORDER BY created_at DESC LIMIT 1
            """, [s.OrganizationId, customer], r => (Id: r.GetGuid(0), Plan: r.GetString(1), Cycle: r.GetString(2), Seats: r.GetInt32(3)), ct);
        string effect;
        Guid subscription;
        if (live.Id == Guid.Empty)
        {
            subscription = Guid.CreateVersion7();
            await s.ExecuteAsync("""
                INSERT INTO subscriptions (id, organization_id, customer_id, plan, billing_cycle, seats_total, seats_used, status, created_by, updated_by, extra_metadata)
                VALUES ($1, $2, $3, $4, $5, $6, 0, 'active', $7, $7, jsonb_build_object('deal_id', $8::uuid))
                """, [subscription, s.OrganizationId, customer, wanted.Plan, wanted.Cycle ?? "monthly", wanted.Seats ?? 1, SqlArg.Uuid(s.Tenant.ActorId), dealId], ct);
            await SalesRows.CreatedAsync(s, "subscriptions", subscription, ct);
            effect = "created";
        }
        else
        {
            subscription = live.Id;
            var before = (await SalesRows.ReadAsync(s, "subscriptions", subscription, ct, forUpdate: true))!;
            effect = "unchanged";
            if (wanted.Seats is { } seats && seats != live.Seats)
            {
                var seated = await ChangeSeats.RunAsync(s, subscription, new ChangeSeats.Body(seats, null), ct);
                if (!seated.Ok) return Prefixed(seated);
                effect = "seats_changed";
            }
            if (wanted.Plan != live.Plan || (wanted.Cycle ?? live.Cycle) != live.Cycle)
            {
                var changed = await ChangePlan.RunAsync(s, subscription, new ChangePlan.Body(wanted.Plan, wanted.Cycle), now, ct);
                if (!changed.Outcome.Ok) return Prefixed(changed.Outcome);
                effect = "plan_" + changed.Effect;
            }
            await SalesRows.UpdatedAsync(s, "subscriptions", subscription, before, ct);
        }
        await s.ExecuteAsync("""
            UPDATE deals SET extra_metadata = coalesce(extra_metadata, '{}'::jsonb) || jsonb_build_object('subscription_id', $3::uuid, 'subscription_effect', $4::text)
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, dealId, subscription, effect], ct);
        return ActionOutcome.Done;
    }

    /// <summary>Billing's refusal, said about the deal's subscription.</summary>
    private static ActionOutcome Prefixed(ActionOutcome o) =>
        o with { Field = o.Status == 409 ? o.Field : "extra_metadata." + o.Field, Message = o.Status == 409 ? "of the customer's subscription " + o.Message : o.Message };
}
