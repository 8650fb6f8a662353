using Clientele.Modules.Billing.Invoices;
using Clientele.Modules.Billing.Limits;
using Clientele.Modules.Billing.Platform;
using Clientele.Modules.Billing.Renewal;
using Clientele.Modules.Billing.Usage;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Events;
using Clientele.Platform.Hosting;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Billing;

/// <summary>
/// Two kinds of billing: the tenant billing its customers (seed 000: plans, subscriptions,
/// invoices, payments, usage, credits; docs/billing.md) and the platform billing the organization
/// through Stripe (seed 002: platform_*, payment_methods, usage_records), which only Stripe webhooks write.
/// </summary>
public sealed class BillingModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("plans")
            .Describe("The organization's plan catalogue: base price, price per seat, included usage and overage prices, trial days per plan code and billing cycle.");
        r.Table("subscriptions")
            .ReadOnlyColumn("scheduled_plan", "scheduled_billing_cycle", "renewal_notice_for")
            .Computed<bool>("is_active", "(status = 'active')")
            .Computed<bool>("is_trial", "(status = 'trialing')")
            .Computed<int>("days_until_renewal", "CASE WHEN current_period_end IS NULL THEN 0 ELSE greatest(0, floor(extract(epoch FROM current_period_end - now()) / 86400))::integer END")
            .Computed<decimal>("seat_utilization", "CASE WHEN seats_total = 0 THEN 0.0 ELSE round(seats_used * 100.0 / seats_total, 1) END")
            .Describe("Customers' subscriptions: plan, billing cycle, MRR/ARR (derived from the plan catalogue), seats and period; lifecycle through its actions.");
        r.Table("invoices")
            .ReadOnlyColumn("subtotal", "credits_applied", "amount_paid", "voided_at", "sent_at", "reminders_sent", "last_reminder_at", "overdue_at")
            .Computed<bool>("is_paid", "(status = 'paid')")
            .Computed<bool>("is_overdue", "(status IN ('open', 'uncollectible') AND due_at IS NOT NULL AND due_at < now())")
            .Computed<decimal>("amount_due", "(CASE WHEN status IN ('open', 'uncollectible') THEN amount - amount_paid ELSE 0 END)")
            .Describe("Invoices to customers; totals come from their lines; numbers INV-YYYY-NNNNNN are allocated at finalization, gapless per organization, never reused.");
        r.Table("invoice_lines")
            .ReadOnlyColumn("amount")
            .Describe("Lines of an invoice (base, seat, usage, proration, credit): amount = quantity × unit_price rounded half-even; editable only on drafts.");
        r.Table("payments")
            .ReadOnlyColumn("refunded_amount", "reopened_amount")
            .Computed<bool>("is_successful", "(status = 'succeeded')")
            .Describe("Customers' payments; a succeeded payment against an invoice settles it (partially or fully); refunds through /refund.");
        r.Table("usage_events")
            .Describe("Metered usage events of customers (seed 000 billing usage and seed 003 product usage); idempotency_id makes replays harmless.");
        r.Table("credits")
            .Computed<decimal>("remaining_amount", "(amount - used_amount)")
            .Computed<bool>("is_expired", "(expires_at IS NOT NULL AND expires_at < now())")
            .Describe("Credits granted to customers (promotional, refund, goodwill, migration), applied to invoices at finalization oldest-expiring first.");
        r.Hide("invoice_number_sequences");
        // Stripe's raw events (migration 0060): read by the webhook job only.
        r.Hide("stripe_events");

        r.Table("platform_subscriptions").ReadOnly()
            .Describe("The organization's Stripe subscription to the platform; written by Stripe webhooks only.");
        r.Table("platform_invoices").ReadOnly()
            .Describe("The platform's Stripe invoices to the organization; written by Stripe webhooks only.");
        r.Table("payment_methods").ReadOnly()
            .Describe("The organization's Stripe payment methods (brand and last four digits only); written by Stripe webhooks only.");
        r.Table("plan_usage").ReadOnly()
            .Describe("The organization's use of its platform plan's limits per calendar month (messages counted as written; users and agents at the last change); written by the database.");
        r.Table("mrr_snapshots").ReadOnly()
            .Describe("The organization's MRR/ARR per calendar month: the last hourly snapshot of the live subscriptions in that month, or a backfill from the subscription rows for the months before the first; written by the billing.mrr_snapshot job.");
        r.Table("usage_records").ReadOnly()
            .Describe("The organization's metered usage reported to Stripe per period; written by the platform only.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        // A payment written through the resource API settles its invoice by trigger: publish invoice.paid with it.
        DomainEvents.Follow("payments", BillingEvents.FollowPaymentAsync);
        // Renewals, dunning and credit expiry every Billing:RunIntervalSeconds (a system job on the clustered scheduler).
        services.AddScheduledWork<BillingRuns>();
        // MRR/ARR history for /app/billing's 12-month chart (mrr_snapshots), hourly.
        services.AddScheduledWork<Reporting.MrrSnapshots>();
        // The platform's own billing through Stripe (Stripe__*): checkout, portal, webhooks.
        services.AddSingleton<StripeSettings>();
        services.AddSingleton<StripeGateway>();
        services.AddScoped<PlatformCheckout>();
        services.AddScheduledWork<StripeUsageReports>();
        services.AddHttpClient("stripe", c => c.Timeout = TimeSpan.FromSeconds(config.GetValue("Stripe:TimeoutSeconds", 30)));
    }

    public void MapRoot(IEndpointRouteBuilder app) => StripeWebhookApi.Map(app);

    public void MapEndpoints(RouteGroupBuilder api)
    {
        SubscriptionsApi.Map(api);
        SubscriptionActionsApi.Map(api);
        InvoicesApi.Map(api);
        UsageApi.Map(api);
        BillingRunApi.Map(api);
        OrganizationUsageApi.Map(api);
        PlatformBillingApi.Map(api);
    }
}
