using System.Globalization;
using System.Net;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 10's console in Chromium: /app/billing, an invoice's and a subscription's pages, /app/settings/plan; figures checked against the rows.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BillingPagesTests(ConsoleFixture app) : ConsoleTests(app)
{
    private static string Money(decimal v) => v.ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>A customer of the demo organization of its own, so a test's payments do not change what other tests see.</summary>
    private static async Task<Guid> CustomerAsync(DemoTenant demo, string name)
    {
        var c = await demo.Owner.Http.PostOkAsync("/api/v1/customers", new { name, email = $"{Guid.NewGuid():N}@billing.test" }, 201);
        return Guid.Parse(c.Str("id"));
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var c = await App.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<decimal> DecimalAsync(string sql, params object[] args) => ScalarAsync<decimal>(sql, args);

    [Fact]
    public async Task The_billing_page_shows_mrr_invoices_and_credits_that_agree_with_the_rows_and_grants_a_credit()
    {
        var demo = await DemoAsync();
        var org = demo.Owner.OrganizationId;
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/billing");
        var page = cp.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("nav.sidenav a", new() { HasText = "Billing" })).ToHaveAttributeAsync("aria-current", "page");

        var mrr = await DecimalAsync("SELECT coalesce(sum(mrr), 0) FROM subscriptions WHERE organization_id = $1 AND status IN ('active', 'past_due')", org);
        mrr.ShouldBeGreaterThan(0m);
        (await page.Locator(".tile", new() { HasText = "MRR" }).First.Locator(".tile-value").InnerTextAsync()).ShouldBe(Money(mrr));
        // The subscribed customers' MRR is the same sum (the trigger keeps customers.mrr in step).
        (await DecimalAsync("SELECT coalesce(sum(c.mrr), 0) FROM customers c WHERE c.organization_id = $1 AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id)", org))
            .ShouldBe(mrr);
        var invoices = await CountAsync("SELECT count(*) FROM invoices WHERE organization_id = $1", org);
        (await page.Locator("#invoices tbody tr").CountAsync()).ShouldBe((int)Math.Min(25, invoices));
        (await page.Locator("#revenue tbody tr").CountAsync()).ShouldBe(12);
        // The MRR history: this month is the live figure (the tile); last month is the demo's mrr_snapshots row (what the snapshot job wrote).
        var history = await page.Locator("#revenue tbody tr").AllTextContentsAsync(); // the table sits in a closed <details>: innerText is empty
        history[^1].ShouldContain(Money(mrr));
        history[^1].ShouldContain("live");
        var lastMonth = await DecimalAsync("SELECT mrr FROM mrr_snapshots WHERE organization_id = $1 AND month = (date_trunc('month', now()) - interval '1 month')::date", org);
        history[^2].ShouldContain(Money(lastMonth));
        // One page of invoices: no "Older invoices" link.
        if (invoices <= 25) (await page.Locator("#invoices a[rel='next']").CountAsync()).ShouldBe(0);
        (await page.Locator("#dunning tbody tr").CountAsync()).ShouldBe((int)await CountAsync(
            "SELECT count(*) FROM invoices WHERE organization_id = $1 AND status = 'open' AND due_at < now()", org));
        await App.CheckPageAsync(cp, "billing-overview");

        // Filter: paid invoices only.
        await page.Locator("#status").SelectOptionAsync("paid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" })).ToBeVisibleAsync();
        var paid = await CountAsync("SELECT count(*) FROM invoices WHERE organization_id = $1 AND status = 'paid'", org);
        (await page.Locator("#invoices tbody tr").CountAsync()).ShouldBe((int)Math.Min(25, paid));
        (await page.Locator("#invoices tbody td[data-label='Status']").AllInnerTextsAsync()).ShouldAllBe(t => t.Trim() == "paid");

        // A bad credit changes nothing and says why; a good one is granted.
        var customer = await CustomerAsync(demo, "Credit Page Co");
        var before = await CountAsync("SELECT count(*) FROM credits WHERE organization_id = $1", org);
        await page.GotoAsync("/app/billing#credits");
        await page.GetByText("Grant a credit").ClickAsync();
        await page.Locator("#credit-customer").SelectOptionAsync(customer.ToString());
        await page.Locator("#credit-amount").FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant credit" }).ClickAsync();
        await Assertions.Expect(page.Locator("#CreditAmount-error")).ToContainTextAsync("positive amount");
        (await CountAsync("SELECT count(*) FROM credits WHERE organization_id = $1", org)).ShouldBe(before);
        await App.CheckPageAsync(cp, "billing-credit-error");
        await page.Locator("#credit-amount").FillAsync("40.50");
        await page.Locator("#credit-reason").FillAsync("Late delivery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant credit" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Credit granted");
        (await DecimalAsync("SELECT amount FROM credits WHERE organization_id = $1 AND customer_id = $2 AND status = 'active'", org, customer)).ShouldBe(40.50m);
        await Assertions.Expect(page.Locator("#credits tbody tr", new() { HasText = "Credit Page Co" })).ToContainTextAsync("40.50");
    }

    [Fact]
    public async Task An_invoice_is_finalized_paid_in_part_refused_an_overpayment_and_settled_from_its_page_with_its_pdf()
    {
        var demo = await DemoAsync();
        var org = demo.Owner.OrganizationId;
        var customer = await CustomerAsync(demo, "Invoice Page Co");
        var invoice = await demo.Owner.Http.DraftAsync(customer, ("Implementation", 1m, 100.05m), ("Training hours", 2m, 12.50m));
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/billing/invoices/{invoice}");
        var page = cp.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("draft");
        (await page.Locator("#invoice-lines tbody tr").CountAsync()).ShouldBe(2);
        await Assertions.Expect(page.Locator("#invoice-total")).ToHaveTextAsync("125.05 USD");

        await page.GetByRole(AriaRole.Button, new() { Name = "Finalize" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Invoice finalized");
        var number = await ScalarAsync<string>("SELECT invoice_number FROM invoices WHERE id = $1", invoice);
        number.ShouldStartWith($"INV-{DateTime.UtcNow.Year}-");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(number);

        await page.Locator("#pay-amount").FillAsync("25.05");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        await Assertions.Expect(page.Locator("#invoice-due")).ToHaveTextAsync("100.00 USD");
        (await ScalarAsync<string>("SELECT status FROM invoices WHERE id = $1", invoice)).ShouldBe("open");

        // More than the balance: refused with the reason, nothing recorded.
        await page.Locator("#pay-amount").FillAsync("200");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error").First).ToBeVisibleAsync();
        (await DecimalAsync("SELECT amount_paid FROM invoices WHERE id = $1", invoice)).ShouldBe(25.05m);
        await App.CheckPageAsync(cp, "billing-invoice-overpayment");

        await page.GotoAsync($"/app/billing/invoices/{invoice}");
        await page.Locator("#pay-amount").FillAsync("100.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("paid");
        (await ScalarAsync<string>("SELECT status FROM invoices WHERE id = $1", invoice)).ShouldBe("paid");
        (await page.Locator("main form[action*='handler=void']").CountAsync()).ShouldBe(0);
        await App.CheckPageAsync(cp, "billing-invoice-paid");

        // The PDF link answers the PDF to the signed-in browser.
        var href = await page.GetByRole(AriaRole.Link, new() { Name = $"Download PDF of invoice {number}" }).GetAttributeAsync("href");
        var pdf = await page.APIRequest.GetAsync(href!);
        pdf.Status.ShouldBe(200);
        pdf.Headers["content-type"].ShouldBe("application/pdf");
        System.Text.Encoding.ASCII.GetString((await pdf.BodyAsync())[..5]).ShouldBe("%PDF-");
    }

    [Fact]
    public async Task A_subscription_is_set_to_cancel_reactivated_refused_a_bad_seat_change_canceled_and_then_refused_a_plan_change()
    {
        var demo = await DemoAsync();
        var customer = await CustomerAsync(demo, "Subscription Page Co");
        var sub = await demo.Owner.Http.SubscriptionAsync(customer, "basic", seats: 3, start: BillingApi.Today.AddDays(-5), end: BillingApi.Today.AddDays(25));
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/billing/subscriptions/{sub}");
        var page = cp.Page;
        page.Dialog += (_, d) => d.AcceptAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Subscription Page Co: basic");
        // basic in the demo catalogue: 29 + 9 a seat → 56.00 a month.
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("56.00");
        await App.CheckPageAsync(cp, "billing-subscription");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel at period end" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("cancels at the end of its period");
        (await ScalarAsync<bool>("SELECT cancel_at_period_end FROM subscriptions WHERE id = $1", sub)).ShouldBeTrue();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reactivate" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Cancellation taken back");
        (await ScalarAsync<bool>("SELECT cancel_at_period_end FROM subscriptions WHERE id = $1", sub)).ShouldBeFalse();

        await page.Locator("#seats-total").FillAsync("2");
        await page.Locator("#seats-used").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change seats" }).ClickAsync();
        await Assertions.Expect(page.Locator("#SeatsTotal-error")).ToContainTextAsync("seats");
        (await ScalarAsync<int>("SELECT seats_total FROM subscriptions WHERE id = $1", sub)).ShouldBe(3);

        await page.GotoAsync($"/app/billing/subscriptions/{sub}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("canceled now");
        (await ScalarAsync<string>("SELECT status FROM subscriptions WHERE id = $1", sub)).ShouldBe("canceled");
        await page.Locator("#new-plan").SelectOptionAsync("premium");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change plan" }).ClickAsync();
        await Assertions.Expect(page.Locator("#NewPlan-error")).ToContainTextAsync("is canceled");
        (await ScalarAsync<string>("SELECT plan FROM subscriptions WHERE id = $1", sub)).ShouldBe("basic");
        await App.CheckPageAsync(cp, "billing-subscription-refused");
    }

    [Fact]
    public async Task The_customer_page_creates_a_subscription_changes_its_plan_records_a_payment_and_grants_a_credit()
    {
        var demo = await DemoAsync();
        var org = demo.Owner.OrganizationId;
        var customer = await CustomerAsync(demo, "Customer Billing Co");
        var invoice = await demo.Owner.Http.DraftAsync(customer, ("Onboarding", 1m, 120m));
        var number = (await demo.Owner.Http.PostOkAsync($"/api/v1/invoices/{invoice}/finalize")).Str("invoice_number");
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/customers/{customer}#billing");
        var page = cp.Page;
        var billing = page.Locator("#billing");

        // Create: basic has 14 trial days in the demo catalogue; MRR from the catalogue (29 + 3 × 9).
        await billing.Locator("summary", new() { HasText = "New subscription" }).ClickAsync();
        await page.Locator("#cb-sub-plan").SelectOptionAsync("basic");
        await page.Locator("#cb-sub-seats").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create subscription" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Subscription created on basic");
        var sub = await ScalarAsync<Guid>("SELECT id FROM subscriptions WHERE organization_id = $1 AND customer_id = $2", org, customer);
        (await ScalarAsync<string>("SELECT status FROM subscriptions WHERE id = $1", sub)).ShouldBe("trialing");
        (await DecimalAsync("SELECT mrr FROM subscriptions WHERE id = $1", sub)).ShouldBe(56.00m);

        // Change plan (in trial: now, no proration).
        await billing.Locator("summary", new() { HasText = "Change plan" }).ClickAsync();
        await page.Locator("#cb-plan-sub").SelectOptionAsync(sub.ToString());
        await page.Locator("#cb-new-plan").SelectOptionAsync("premium");
        await page.Locator("form[action$='handler=plan'] button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Plan changed to premium");
        (await ScalarAsync<string>("SELECT plan FROM subscriptions WHERE id = $1", sub)).ShouldBe("premium");

        // Record a payment: more than the balance is refused with the reason and records nothing; the balance settles it.
        await billing.Locator("summary", new() { HasText = "Record a payment" }).ClickAsync();
        await page.Locator("#cb-pay-invoice").SelectOptionAsync(invoice.ToString());
        await page.Locator("#cb-pay-amount").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Billing of Customer Billing Co");
        await Assertions.Expect(page.Locator(".field-error").First).ToBeVisibleAsync();
        (await DecimalAsync("SELECT amount_paid FROM invoices WHERE id = $1", invoice)).ShouldBe(0m);
        await App.CheckPageAsync(cp, "billing-customer-payment-refused");
        await page.Locator("#cb-pay-amount").FillAsync("120.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync($"recorded against {number}");
        (await ScalarAsync<string>("SELECT status FROM invoices WHERE id = $1", invoice)).ShouldBe("paid");

        // Grant a credit.
        await billing.Locator("summary", new() { HasText = "Grant a credit" }).ClickAsync();
        await page.Locator("#cb-credit-amount").FillAsync("15.25");
        await page.Locator("#cb-credit-reason").FillAsync("Setup delay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant credit" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Credit of 15.25 granted");
        (await DecimalAsync("SELECT amount FROM credits WHERE organization_id = $1 AND customer_id = $2 AND status = 'active'", org, customer)).ShouldBe(15.25m);
        await billing.Locator("summary", new() { HasText = "Grant a credit" }).ClickAsync();
        await App.CheckPageAsync(cp, "billing-customer-actions");

        // A viewer sees no billing forms on the customer page, and a forged post is a 403.
        using var viewer = await App.CookieClientAsync(demo.ViewerEmail);
        var forged = await viewer.PostFormAsync($"/app/customers/{customer}/billing?handler=credit", new() { ["CreditAmount"] = "10", ["CreditType"] = "goodwill" },
            formPage: $"/app/customers/{customer}");
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CountAsync("SELECT count(*) FROM credits WHERE organization_id = $1 AND customer_id = $2", org, customer)).ShouldBe(1);
    }

    [Fact]
    public async Task The_plan_page_shows_use_against_limits_as_the_usage_api_does_and_a_viewer_cannot_act_on_billing()
    {
        var demo = await DemoAsync();
        var usage = await demo.Owner.Http.GetOkAsync("/api/v1/organization/usage");
        await using var cp = await OpenAsync(demo.ViewerEmail, "/app/settings/plan");
        var page = cp.Page;
        await Assertions.Expect(page.Locator(".plan-cards li[aria-current='true']")).ToContainTextAsync("Business");
        foreach (var limit in new[] { "max_users", "max_agents" })
        {
            var l = usage["limits"]![limit]!;
            (await page.Locator($"[data-limit='{limit}']").InnerTextAsync()).ShouldBe($"{l["used"]!.GetValue<long>():#,##0} of {l["max"]!.GetValue<long>():#,##0}");
        }
        (await page.Locator("#methods-heading + ul li").CountAsync()).ShouldBe((int)await CountAsync("SELECT count(*) FROM payment_methods WHERE organization_id = $1", demo.Owner.OrganizationId));
        await App.CheckPageAsync(cp, "billing-plan-settings");

        await page.GotoAsync("/app/billing");
        (await page.Locator("main form[method='post']").CountAsync()).ShouldBe(0);
        await App.CheckPageAsync(cp, "billing-viewer");
        var invoice = await ScalarAsync<Guid>("SELECT id FROM invoices WHERE organization_id = $1 AND status = 'open' ORDER BY id LIMIT 1", demo.Owner.OrganizationId);
        await page.GotoAsync($"/app/billing/invoices/{invoice}");
        (await page.Locator("main form[method='post']").CountAsync()).ShouldBe(0);

        using var viewer = await App.CookieClientAsync(demo.ViewerEmail);
        var forged = await viewer.PostFormAsync($"/app/billing/invoices/{invoice}?handler=void", new(), formPage: "/app/billing");
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ScalarAsync<string>("SELECT status FROM invoices WHERE id = $1", invoice)).ShouldBe("open");
        var credit = await viewer.PostFormAsync("/app/billing?handler=credit", new() { ["CreditCustomer"] = demo.ShowcaseCustomer.ToString(), ["CreditAmount"] = "10", ["CreditType"] = "goodwill" });
        credit.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
