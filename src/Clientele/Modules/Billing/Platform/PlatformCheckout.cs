using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// The organization changing its own plan through Stripe: a Checkout Session for a paid plan, or
/// the billing portal (payment methods, invoices, cancel). The organization's Stripe customer is
/// created on first use and kept on its platform_subscriptions row, which is how webhooks find it.
/// Admins only; 503 with what to set when Stripe is not configured.
/// </summary>
public sealed class PlatformCheckout(StripeGateway stripe)
{
    public async Task<string> CheckoutUrlAsync(TenantSession s, string? plan, string baseUrl, CancellationToken ct)
    {
        if (!stripe.Settings.Configured) throw StripeGateway.NotConfigured();
        var paid = PlatformPlan.All.Where(p => p.MonthlyPrice > 0).Select(p => p.Code).ToArray();
        if (string.IsNullOrWhiteSpace(plan)) throw ProblemException.Validation("plan", "is required: one of " + string.Join(", ", paid));
        if (!paid.Contains(plan)) throw ProblemException.Validation("plan", $"must be one of {string.Join(", ", paid)} (the free plan needs no checkout: cancel in the billing portal)");
        var price = stripe.Settings.PriceOf(plan) ?? throw new ProblemException(503, "Stripe is not configured",
            $"The {plan} plan has no Stripe price: set Stripe__Prices__{plan} to its price id (price_...).");
        var customer = await CustomerAsync(s, ct);
        var session = await stripe.CheckoutAsync(customer, price, s.OrganizationId, plan,
            $"{baseUrl}/app/settings/plan?checkout=done", $"{baseUrl}/app/settings/plan?checkout=canceled", ct);
        return session.Url;
    }

    public async Task<string> PortalUrlAsync(TenantSession s, string baseUrl, CancellationToken ct)
    {
        if (!stripe.Settings.Configured) throw StripeGateway.NotConfigured();
        var customer = await s.ReadFirstAsync("SELECT stripe_customer_id FROM platform_subscriptions WHERE organization_id = $1 AND stripe_customer_id IS NOT NULL",
            [s.OrganizationId], r => r.GetString(0), ct) ?? throw ProblemException.Conflict("The organization has no Stripe customer yet: choose a plan through checkout first.");
        return (await stripe.PortalAsync(customer, $"{baseUrl}/app/settings/plan", ct)).Url;
    }

    /// <summary>The organization's Stripe customer id, created at Stripe (idempotently) the first time.</summary>
    private async Task<string> CustomerAsync(TenantSession s, CancellationToken ct)
    {
        var org = await s.ReadFirstAsync("""
            SELECT o.name, o.email, o.plan, ps.stripe_customer_id FROM organizations o
            LEFT JOIN platform_subscriptions ps ON ps.organization_id = o.id WHERE o.id = $1
            """, [s.OrganizationId], r => (Name: r.GetString(0), Email: r.IsDBNull(1) ? null : r.GetString(1), Plan: r.GetString(2), Customer: r.IsDBNull(3) ? null : r.GetString(3)), ct);
        if (org.Customer is { } known) return known;
        var created = await stripe.CreateCustomerAsync(s.OrganizationId, org.Name, org.Email, ct);
        await s.ExecuteAsync("""
            INSERT INTO platform_subscriptions AS ps (id, organization_id, stripe_customer_id, plan, status) VALUES ($1, $2, $3, $4, 'incomplete')
            ON CONFLICT (organization_id) DO UPDATE SET stripe_customer_id = coalesce(ps.stripe_customer_id, EXCLUDED.stripe_customer_id)
            """, [Guid.CreateVersion7(), s.OrganizationId, created.Id, org.Plan], ct);
        await s.CommitAsync(ct);
        return created.Id;
    }
}
