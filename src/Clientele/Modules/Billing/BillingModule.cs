using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing;

/// <summary>
/// Two kinds of billing: the tenant billing its customers (seed 000: subscriptions, invoices,
/// payments, usage, credits) and the platform billing the organization through Stripe
/// (seed 002: platform_*, payment_methods, usage_records), which only Stripe webhooks write.
/// </summary>
public sealed class BillingModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("subscriptions")
            .Computed<bool>("is_active", "(status = 'active')")
            .Computed<bool>("is_trial", "(status = 'trialing')")
            .Computed<int>("days_until_renewal", "CASE WHEN current_period_end IS NULL THEN 0 ELSE greatest(0, floor(extract(epoch FROM current_period_end - now()) / 86400))::integer END")
            .Computed<decimal>("seat_utilization", "CASE WHEN seats_total = 0 THEN 0.0 ELSE round(seats_used * 100.0 / seats_total, 1) END")
            .Describe("Customers' subscriptions: plan, billing cycle, MRR/ARR, seats and period.");
        r.Table("invoices")
            .Computed<bool>("is_paid", "(status = 'paid')")
            .Computed<bool>("is_overdue", "(status IN ('open', 'uncollectible') AND due_at IS NOT NULL AND due_at < now())")
            .Describe("Invoices to customers; invoice numbers are unique per organization and never reused.");
        r.Table("payments")
            .Computed<bool>("is_successful", "(status = 'succeeded')")
            .Describe("Customers' payments, optionally against an invoice; transaction_id is the processor's id.");
        r.Table("usage_events")
            .Describe("Metered usage events of customers (seed 000 billing usage and seed 003 product usage).");
        r.Table("credits")
            .Computed<decimal>("remaining_amount", "(amount - used_amount)")
            .Computed<bool>("is_expired", "(expires_at IS NOT NULL AND expires_at < now())")
            .Describe("Credits granted to customers (promotional, refund, goodwill, migration) and how much is used.");

        r.Table("platform_subscriptions").ReadOnly()
            .Describe("The organization's Stripe subscription to the platform; written by Stripe webhooks only.");
        r.Table("platform_invoices").ReadOnly()
            .Describe("The platform's Stripe invoices to the organization; written by Stripe webhooks only.");
        r.Table("payment_methods").ReadOnly()
            .Describe("The organization's Stripe payment methods (brand and last four digits only); written by Stripe webhooks only.");
        r.Table("usage_records").ReadOnly()
            .Describe("The organization's metered usage reported to Stripe per period; written by the platform only.");
    }

    public void MapEndpoints(RouteGroupBuilder api) => SubscriptionsApi.Map(api);
}
