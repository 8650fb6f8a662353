using Clientele.Platform.Database;
using Stripe;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// What a Stripe event changes, in the organization's transaction. Each mirrored row keeps the
/// `created` time of the event that last set it (stripe_event_at); an older event is reported as
/// stale and changes nothing, so events that arrive out of order never move state backwards.
/// Returns what was done (stored on the stripe_events row).
/// </summary>
public static class StripeEventApplier
{
    public static Task<string> ApplyAsync(TenantSession s, Event e, StripeSettings settings, CancellationToken ct)
    {
        var at = DateTime.SpecifyKind(e.Created, DateTimeKind.Utc);
        return (e.Type, e.Data.Object) switch
        {
            ("customer.subscription.created" or "customer.subscription.updated" or "customer.subscription.deleted", Stripe.Subscription sub) =>
                SubscriptionAsync(s, sub, e.Type.EndsWith(".deleted", StringComparison.Ordinal), at, settings, ct),
            ("invoice.paid" or "invoice.payment_failed" or "invoice.finalized", Stripe.Invoice inv) => InvoiceAsync(s, inv, e.Type == "invoice.paid", at, ct),
            ("payment_method.attached", Stripe.PaymentMethod pm) => AttachAsync(s, pm, at, ct),
            ("payment_method.detached", Stripe.PaymentMethod pm) => DetachAsync(s, pm, at, ct),
            _ => Task.FromResult($"ignored: {e.Type} is not an event this product follows"),
        };
    }

    /// <summary>
    /// platform_subscriptions follows Stripe; the organization's plan, plan_status and limits follow
    /// the subscription: active or trialing → the plan's limits; past_due → unchanged (a grace period);
    /// canceled, unpaid, paused or expired → the free plan's limits (an organization that stops paying is limited).
    /// </summary>
    private static async Task<string> SubscriptionAsync(TenantSession s, Stripe.Subscription sub, bool deleted, DateTime at, StripeSettings settings, CancellationToken ct)
    {
        var item = sub.Items?.Data?.FirstOrDefault();
        var plan = settings.PlanOf(item?.Price?.Id) ?? (sub.Metadata?.GetValueOrDefault("plan") is { } p && PlatformPlan.Find(p) is not null ? p : null);
        if (plan is null) return $"ignored: price {item?.Price?.Id} is not one of the plans' Stripe__Prices";
        var status = deleted ? "canceled" : sub.Status;
        var updated = await s.ReadFirstAsync("""
            INSERT INTO platform_subscriptions AS ps (id, organization_id, stripe_customer_id, stripe_subscription_id, plan, status, current_period_start,
                current_period_end, cancel_at_period_end, trial_end, stripe_event_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (organization_id) DO UPDATE SET stripe_customer_id = EXCLUDED.stripe_customer_id, stripe_subscription_id = EXCLUDED.stripe_subscription_id,
                plan = EXCLUDED.plan, status = EXCLUDED.status, current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end,
                cancel_at_period_end = EXCLUDED.cancel_at_period_end, trial_end = EXCLUDED.trial_end, stripe_event_at = EXCLUDED.stripe_event_at
            WHERE ps.stripe_event_at IS NULL OR ps.stripe_event_at <= EXCLUDED.stripe_event_at
            RETURNING id
            """, [Guid.CreateVersion7(), s.OrganizationId, sub.CustomerId, sub.Id, plan, status, Utc(item?.CurrentPeriodStart), Utc(item?.CurrentPeriodEnd),
                sub.CancelAtPeriodEnd, Utc(sub.TrialEnd), at], r => (Guid?)r.GetGuid(0), ct);
        if (updated is null) return "stale: a newer event already set the subscription";

        var limited = status is "canceled" or "unpaid" or "paused" or "incomplete_expired";
        if (status is "incomplete") return $"applied: subscription {status}; the plan waits for the first payment";
        var effective = PlatformPlan.Find(limited ? "free" : plan)!;
        var orgStatus = status == "incomplete_expired" ? "canceled" : status;
        if (status == "past_due")
            await s.ExecuteAsync("UPDATE organizations SET plan_status = 'past_due' WHERE id = $1", [s.OrganizationId], ct);
        else
            await s.ExecuteAsync("""
                UPDATE organizations SET plan = $2, plan_status = $3, max_users = $4, max_agents = $5, max_messages = $6, max_storage = $7 WHERE id = $1
                """, [s.OrganizationId, effective.Code, orgStatus, effective.MaxUsers, effective.MaxAgents, effective.MaxMessages, effective.MaxStorage], ct);
        return $"applied: subscription {status}; organization on {(status == "past_due" ? plan + " (past due)" : effective.Code)}";
    }

    private static async Task<string> InvoiceAsync(TenantSession s, Stripe.Invoice inv, bool paid, DateTime at, CancellationToken ct)
    {
        var status = paid ? "paid" : inv.Status;
        if (status is not ("draft" or "open" or "paid" or "uncollectible" or "void")) return $"ignored: invoice status {status}";
        var paidAt = Utc(inv.StatusTransitions?.PaidAt) ?? (paid ? at : null);
        var updated = await s.ReadFirstAsync("""
            INSERT INTO platform_invoices AS pi (id, organization_id, subscription_id, stripe_invoice_id, amount, status, invoice_pdf, due_date, paid_at, stripe_event_at)
            VALUES ($1, $2, (SELECT id FROM platform_subscriptions WHERE organization_id = $2), $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (organization_id, stripe_invoice_id) DO UPDATE SET amount = EXCLUDED.amount, status = EXCLUDED.status,
                invoice_pdf = coalesce(EXCLUDED.invoice_pdf, pi.invoice_pdf), due_date = EXCLUDED.due_date, paid_at = EXCLUDED.paid_at, stripe_event_at = EXCLUDED.stripe_event_at
            WHERE pi.stripe_event_at IS NULL OR pi.stripe_event_at <= EXCLUDED.stripe_event_at
            RETURNING id
            """, [Guid.CreateVersion7(), s.OrganizationId, inv.Id, Math.Max(0, inv.Total) / 100m, status, inv.InvoicePdf,
                Utc(inv.DueDate) ?? Utc(inv.Created)!.Value, paidAt, at], r => (Guid?)r.GetGuid(0), ct);
        return updated is null ? "stale: a newer event already set the invoice" : $"applied: invoice {inv.Id} {status}";
    }

    private static readonly string[] Types = ["card", "us_bank_account", "sepa_debit", "bacs_debit", "au_becs_debit", "acss_debit", "link", "paypal"];
    private static readonly string[] Brands = ["amex", "diners", "discover", "eftpos_au", "jcb", "mastercard", "unionpay", "visa"];

    /// <summary>Keeps brand and last four only; the first method becomes the default.</summary>
    private static async Task<string> AttachAsync(TenantSession s, Stripe.PaymentMethod pm, DateTime at, CancellationToken ct)
    {
        if (!Types.Contains(pm.Type)) return $"ignored: payment method type {pm.Type} is not kept";
        // Detached later (by Stripe's clock) but received first: the attach is stale.
        var detached = await s.ReadFirstAsync("""
            SELECT true FROM stripe_events WHERE organization_id = $1 AND type = 'payment_method.detached'
              AND payload->'data'->'object'->>'id' = $2 AND stripe_created >= $3 LIMIT 1
            """, [s.OrganizationId, pm.Id, at], r => r.GetBoolean(0), ct);
        if (detached) return "stale: the payment method was detached later";
        var card = pm.Card;
        var brand = card?.Brand is { } b ? (Brands.Contains(b) ? b : "unknown") : null;
        var last4 = card?.Last4 is { Length: 4 } l && l.All(char.IsAsciiDigit) ? l : null;
        int? month = card is { ExpMonth: >= 1 and <= 12 } ? (int)card.ExpMonth : null;
        int? year = card is { ExpYear: >= 2000 and <= 2200 } ? (int)card.ExpYear : null;
        var updated = await s.ReadFirstAsync("""
            INSERT INTO payment_methods AS pm (id, organization_id, stripe_payment_method_id, type, card_brand, card_last4, card_exp_month, card_exp_year, is_default, stripe_event_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NOT EXISTS (SELECT 1 FROM payment_methods d WHERE d.organization_id = $2 AND d.is_default), $9)
            ON CONFLICT (organization_id, stripe_payment_method_id) DO UPDATE SET type = EXCLUDED.type, card_brand = EXCLUDED.card_brand, card_last4 = EXCLUDED.card_last4,
                card_exp_month = EXCLUDED.card_exp_month, card_exp_year = EXCLUDED.card_exp_year, stripe_event_at = EXCLUDED.stripe_event_at
            WHERE pm.stripe_event_at IS NULL OR pm.stripe_event_at <= EXCLUDED.stripe_event_at
            RETURNING id
            """, [Guid.CreateVersion7(), s.OrganizationId, pm.Id, pm.Type, brand, last4, month, year, at], r => (Guid?)r.GetGuid(0), ct);
        return updated is null ? "stale: a newer event already set the payment method" : $"applied: payment method {pm.Id} attached";
    }

    private static async Task<string> DetachAsync(TenantSession s, Stripe.PaymentMethod pm, DateTime at, CancellationToken ct)
    {
        var n = await s.ExecuteAsync("""
            DELETE FROM payment_methods WHERE organization_id = $1 AND stripe_payment_method_id = $2 AND (stripe_event_at IS NULL OR stripe_event_at <= $3)
            """, [s.OrganizationId, pm.Id, at], ct);
        return n == 0 ? "applied: nothing to detach (unknown or newer)" : $"applied: payment method {pm.Id} detached";
    }

    private static DateTime? Utc(DateTime? v) => v is { } d && d != default ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;
}
