using Clientele.Modules.Billing.Invoices;
using Clientele.Platform.Database;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// The tenant billing its customers: the plan catalogue, a subscription per paying customer
    /// (the customer's plan; MRR/ARR derived from the catalogue), invoices with their payments (paid ones, this month's open one, and for past-due
    /// accounts an overdue one with a declined payment), credits and metered usage.
    /// </summary>
    public static async Task BillingAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("billing");
        // The plan catalogue first: subscriptions take their MRR/ARR from it.
        foreach (var (code, name, monthly, seat, trial, usage) in Catalogue)
        {
            var included_features = Features[code];
            await d.CreateAsync("plans", new { code, billing_cycle = "monthly", name, base_price = monthly, price_per_seat = seat, trial_days = trial, usage_pricing = usage, included_features });
            // Annual: two months free.
            await d.CreateAsync("plans", new { code, billing_cycle = "annual", name, base_price = monthly * 10, price_per_seat = seat * 10, trial_days = trial, usage_pricing = usage, included_features });
        }
        var periodStart = new DateTime(d.Now.Year, d.Now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var c in d.Customers.Where(c => c.Paying).Take(12))
        {
            var annual = c.Plan == "enterprise";
            var status = c.Stage switch { "churned" => "canceled", "at_risk" => "past_due", "onboarding" => "trialing", _ => "active" };
            var seats = c.Plan switch { "enterprise" => 100, "premium" => 25, _ => 5 };
            var start = annual ? new DateTime(d.Now.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc) : periodStart;
            var subscription = await d.CreateAsync("subscriptions", new
            {
                customer_id = c.Id, plan = c.Plan, billing_cycle = annual ? "annual" : "monthly",
                seats_total = seats, seats_used = status == "canceled" ? 0 : f.Random.Int(seats / 3, seats),
                status, current_period_start = start, current_period_end = annual ? start.AddYears(1) : start.AddMonths(1),
                cancel_at_period_end = status == "canceled", canceled_at = status == "canceled" ? d.DaysAgo(10) : (DateTime?)null,
                trial_start = status == "trialing" ? d.DaysAgo(7) : (DateTime?)null, trial_end = status == "trialing" ? d.DaysAhead(7) : (DateTime?)null,
            });
            d.Ids[$"subscription:{c.Id}"] = subscription;
            if (status == "trialing") continue;

            // What the catalogue charges for the period (the subscription's MRR/ARR are derived from it too).
            var price = Catalogue.First(p => p.Code == c.Plan);
            var amount = (price.Monthly + price.Seat * seats) * (annual ? 10 : 1);
            var overdue = status == "past_due";
            if (annual)
            {
                // Invoiced at the start of the year: paid, or still open past its due date for a past-due account.
                await InvoiceAsync(d, f, c, subscription, amount, start, paid: !overdue);
                continue;
            }
            // Monthly: last month's invoice is paid (two months ago for past-due accounts, whose last one is unpaid).
            await InvoiceAsync(d, f, c, subscription, amount, periodStart.AddMonths(overdue ? -2 : -1), paid: true);
            if (status == "canceled") continue;
            if (overdue) await InvoiceAsync(d, f, c, subscription, amount, periodStart.AddMonths(-1), paid: false);
            else await InvoiceAsync(d, f, c, subscription, amount, periodStart, paid: false, overdue: false);
        }

        // Credits: goodwill for accounts in trouble, promotional and migration credits partly used.
        var atRisk = d.Customers.Where(c => c.Stage == "at_risk").Take(2).ToList();
        foreach (var c in atRisk)
            await d.CreateAsync("credits", new
            {
                customer_id = c.Id, amount = 250m, credit_type = "goodwill", reason = "Service disruption during the March outage",
                expires_at = d.DaysAhead(90), used_amount = 0m, status = "active",
            });
        var paying = d.Customers.Where(c => c.Paying && c.Stage == "active").Take(3).ToList();
        if (paying.Count > 0)
            await d.CreateAsync("credits", new
            {
                customer_id = paying[0].Id, amount = 500m, credit_type = "promotional", reason = "Annual prepay incentive",
                expires_at = d.DaysAhead(200), used_amount = 180m, status = "active",
            });
        if (paying.Count > 1)
            await d.CreateAsync("credits", new
            {
                customer_id = paying[1].Id, amount = 1200m, currency = "EUR", credit_type = "migration", reason = "Migration from the legacy helpdesk",
                expires_at = d.DaysAgo(5), used_amount = 1200m, status = "used",
            });

        // The MRR history: what the hourly billing.mrr_snapshot job writes (this month, and the months before backfilled).
        await Clientele.Modules.Billing.Reporting.MrrSnapshots.WriteAsync(d.Session, d.Now, d.Ct);

        // Metered usage of the most active customers.
        foreach (var c in d.Customers.Where(c => c.Paying && c.Stage is "active" or "onboarding").Take(8))
        {
            foreach (var (type, unit, qty) in new[] { ("api_call", "calls", f.Random.Int(2000, 90000)), ("message_sent", "messages", f.Random.Int(100, 5000)), ("seat_added", "seats", f.Random.Int(1, 4)) })
                await d.CreateAsync("usage_events", new
                {
                    customer_id = c.Id, event_type = type, quantity = qty, unit, end_user_id = type == "seat_added" ? $"usr_{f.Random.AlphaNumeric(8)}" : null,
                    timestamp = d.DaysAgo(f.Random.Double(0.1, 6)), extra_metadata = new { source = "metering" },
                });
        }
    }

    private static readonly (string Code, string Name, decimal Monthly, decimal Seat, int TrialDays, object[] Usage)[] Catalogue =
    [
        ("free", "Free", 0m, 0m, 0, [new { event_type = "api_call", included = 1000, unit_price = 0m }]),
        ("basic", "Basic", 29m, 9m, 14, [new { event_type = "api_call", included = 10000, unit_price = 0.002m }, new { event_type = "message_sent", included = 500, unit_price = 0.01m }]),
        ("premium", "Premium", 99m, 19m, 14, [new { event_type = "api_call", included = 50000, unit_price = 0.0015m }, new { event_type = "message_sent", included = 2500, unit_price = 0.008m }]),
        ("enterprise", "Enterprise", 499m, 29m, 0, [new { event_type = "api_call", included = 500000, unit_price = 0.001m }, new { event_type = "message_sent", included = 25000, unit_price = 0.005m }]),
    ];

    /// <summary>
    /// What each plan includes, named as the product's feature_used events name them (feature_usage.feature_name;
    /// the demo's customers use inbox, reports and whatsapp_flows, DemoData.Analytics): WhatsApp flows are an
    /// enterprise feature, so a basic or premium account using them is an expansion ("feature adopted beyond the plan").
    /// </summary>
    private static readonly Dictionary<string, string[]> Features = new()
    {
        ["free"] = ["inbox"],
        ["basic"] = ["inbox", "reports"],
        ["premium"] = ["inbox", "reports", "api_access", "priority_support"],
        ["enterprise"] = ["inbox", "reports", "api_access", "priority_support", "whatsapp_flows", "sso", "audit_log"],
    };

    /// <summary>
    /// A subscription invoice as billing issues it: a draft with its line, numbered INV-YYYY-NNNNNN from
    /// the organization's gapless sequence, due 14 days later; paid by a succeeded payment (which settles it), or still
    /// open (overdue ones with a declined payment).
    /// </summary>
    private static async Task InvoiceAsync(DemoContext d, Bogus.Faker f, DemoCustomer c, Guid subscription, decimal amount, DateTime issued, bool paid, bool overdue = true)
    {
        var invoice = await d.CreateAsync("invoices", new { customer_id = c.Id, subscription_id = subscription, amount = 0m, status = "draft", billing_reason = "subscription_cycle", period_start = issued });
        await d.CreateAsync("invoice_lines", new { invoice_id = invoice, kind = "base", description = $"{char.ToUpperInvariant(c.Plan[0])}{c.Plan[1..]} plan from {issued:yyyy-MM-dd}", quantity = 1, unit_price = amount, period_start = issued });
        var number = await InvoiceNumbering.NextAsync(d.Session, issued, d.Ct);
        await d.Session.ExecuteAsync("UPDATE invoices SET status = 'open', invoice_number = @number, issued_at = @issued, due_at = @due WHERE organization_id = @org AND id = @invoice",
            new { number, issued, due = paid || overdue ? issued.AddDays(14) : d.DaysAhead(7), org = d.Session.OrganizationId, invoice }, d.Ct);
        if (!paid && !overdue) return;
        await d.CreateAsync("payments", new
        {
            customer_id = c.Id, invoice_id = invoice, amount, status = paid ? "succeeded" : "failed",
            payment_method = paid ? f.PickRandom("card", "sepa_debit", "bank_transfer") : "card", transaction_id = $"ch_{f.Random.AlphaNumeric(20)}",
            processed_at = paid ? issued.AddDays(2) : issued.AddDays(14), failed_reason = paid ? null : "card_declined: insufficient funds",
        });
        if (paid)
            await d.Session.ExecuteAsync("UPDATE invoices SET paid_at = @at WHERE organization_id = @org AND id = @invoice",
                new { at = issued.AddDays(f.Random.Int(1, 12)), org = d.Session.OrganizationId, invoice }, d.Ct);
    }

    /// <summary>The platform billing the demo organization (seed 002; read-only resources written by Stripe webhooks, here by the store directly).</summary>
    public static async Task PlatformBillingAsync(DemoContext d)
    {
        var start = new DateTime(d.Now.Year, d.Now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var subscription = await d.CreateAsync("platform_subscriptions", new
        {
            stripe_customer_id = "cus_DemoNorthwind01", stripe_subscription_id = "sub_DemoNorthwind01", plan = "business", status = "active",
            current_period_start = start, current_period_end = start.AddMonths(1), cancel_at_period_end = false,
        });
        for (var m = 2; m >= 0; m--)
        {
            var issued = start.AddMonths(-m);
            await d.CreateAsync("platform_invoices", new
            {
                subscription_id = subscription, stripe_invoice_id = $"in_DemoNorthwind{issued:yyyyMM}", amount = 499.00m,
                status = m == 0 ? "open" : "paid", invoice_pdf = $"https://pay.stripe.com/invoice/demo/{issued:yyyyMM}/pdf",
                due_date = issued.AddDays(7), paid_at = m == 0 ? (DateTime?)null : issued.AddDays(1),
            });
        }
        await d.CreateAsync("payment_methods", new
        {
            stripe_payment_method_id = "pm_DemoVisa4242", type = "card", card_brand = "visa", card_last4 = "4242", card_exp_month = 8, card_exp_year = d.Now.Year + 3, is_default = true,
        });
        await d.CreateAsync("payment_methods", new { stripe_payment_method_id = "pm_DemoSepa3000", type = "sepa_debit", is_default = false });
        foreach (var (metric, qty) in new[] { ("messages", 18250), ("conversations", 1430), ("agents", 3), ("users", 7), ("tokens", 4_820_000) })
            await d.CreateAsync("usage_records", new { subscription_id = subscription, metric_type = metric, quantity = qty, period_start = start, period_end = start.AddMonths(1) });
    }
}
