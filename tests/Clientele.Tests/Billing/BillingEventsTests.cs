using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10: billing publishes its named domain events in the transaction of the change (docs/automation.md).</summary>
public sealed class BillingEventsTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static async Task<List<JsonNode>> EventsAsync(HttpClient http, string type, Guid? resource = null)
    {
        var url = $"/api/v1/domain_events?event_type={type}&limit=100" + (resource is null ? "" : $"&resource_id={resource}");
        return (await http.GetOkAsync(url))["data"]!.AsArray().Select(e => e!).ToList();
    }

    [Fact]
    public async Task Finalizing_publishes_invoice_finalized_and_the_payment_that_covers_it_publishes_invoice_paid_once()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var inv = await t.Http.DraftAsync(customer, ("Consulting", 2, 50m));
        (await EventsAsync(t.Http, "invoice.finalized", inv)).ShouldBeEmpty();
        await t.Http.PostOkAsync($"/api/v1/invoices/{inv}/finalize");
        var finalized = (await EventsAsync(t.Http, "invoice.finalized", inv)).ShouldHaveSingleItem();
        finalized["data"]!.Str("status").ShouldBe("open");
        finalized["data"]!.Str("invoice_number").ShouldStartWith("INV-");
        finalized["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        finalized["previous"]!.Str("status").ShouldBe("draft");

        await t.Http.PayAsync(customer, inv, 40m); // partial: still open
        (await EventsAsync(t.Http, "invoice.paid", inv)).ShouldBeEmpty();
        await t.Http.PayAsync(customer, inv, 60m);
        var paid = (await EventsAsync(t.Http, "invoice.paid", inv)).ShouldHaveSingleItem();
        paid["data"]!.Str("status").ShouldBe("paid");
        paid["data"]!.Dec("amount_paid").ShouldBe(100m);
        await t.Http.PayAsync(customer, inv, 1m, status: 409); // a double payment is refused and publishes nothing
        (await EventsAsync(t.Http, "invoice.paid", inv)).Count.ShouldBe(1);

        var zero = await t.Http.DraftAsync(customer, ("Free setup", 1, 0m));
        await t.Http.PostOkAsync($"/api/v1/invoices/{zero}/finalize"); // a zero total is paid at once
        (await EventsAsync(t.Http, "invoice.finalized", zero)).Count.ShouldBe(1);
        (await EventsAsync(t.Http, "invoice.paid", zero)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Creating_and_canceling_subscriptions_publishes_created_and_canceled_now_or_at_the_period_end()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m);
        var customer = await t.Http.CreateCustomerAsync();
        var now = await t.Http.SubscriptionAsync(customer, "basic");
        var later = await t.Http.SubscriptionAsync(customer, "basic");
        (await EventsAsync(t.Http, "subscription.created", now)).Count.ShouldBe(1);

        await t.Http.PostOkAsync($"/api/v1/subscriptions/{now}/cancel", new { at_period_end = false });
        var canceled = (await EventsAsync(t.Http, "subscription.canceled", now)).ShouldHaveSingleItem();
        canceled["data"]!.Str("status").ShouldBe("canceled");
        canceled["previous"]!.Str("status").ShouldBe("active");
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{now}/cancel", new { at_period_end = false })).ShouldBeProblem(409, "status");
        (await EventsAsync(t.Http, "subscription.canceled", now)).Count.ShouldBe(1);

        await t.Http.PostOkAsync($"/api/v1/subscriptions/{later}/cancel", new { at_period_end = true });
        (await EventsAsync(t.Http, "subscription.canceled", later)).ShouldBeEmpty(); // not yet: it runs to the period end
        using (var conn = await app.OwnerAsync())
            await new Npgsql.NpgsqlCommand($"UPDATE subscriptions SET current_period_start = now() - interval '1 month', current_period_end = now() - interval '1 minute' WHERE id = '{later}'", conn).ExecuteNonQueryAsync();
        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("canceled").ShouldBe(1);
        (await EventsAsync(t.Http, "subscription.canceled", later)).ShouldHaveSingleItem()["data"]!.Str("status").ShouldBe("canceled");
    }

    [Fact]
    public async Task The_billing_run_publishes_invoice_overdue_and_renewal_upcoming_once_however_often_it_runs()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m);
        var customer = await t.Http.CreateCustomerAsync();
        var soon = await t.Http.SubscriptionAsync(customer, "basic", start: DateTime.UtcNow.AddDays(-27), end: DateTime.UtcNow.AddDays(3));
        var far = await t.Http.SubscriptionAsync(customer, "basic", start: DateTime.UtcNow.AddDays(-1), end: DateTime.UtcNow.AddDays(29));
        var leaving = await t.Http.SubscriptionAsync(customer, "basic", start: DateTime.UtcNow.AddDays(-27), end: DateTime.UtcNow.AddDays(2));
        await t.Http.PostOkAsync($"/api/v1/subscriptions/{leaving}/cancel", new { at_period_end = true });
        var inv = await t.Http.PostOkAsync("/api/v1/invoices", new { customer_id = customer, amount = 0m, due_at = DateTime.UtcNow.AddHours(-3).ToString("O") }, 201);
        var invId = Guid.Parse(inv.Str("id"));
        await t.Http.PostOkAsync("/api/v1/invoice_lines", new { invoice_id = invId, kind = "base", description = "Setup", quantity = 1, unit_price = 10m }, 201);
        await t.Http.PostOkAsync($"/api/v1/invoices/{invId}/finalize");

        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("renewal_notices").ShouldBe(1);
        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("renewal_notices").ShouldBe(0);
        (await EventsAsync(t.Http, "renewal.upcoming")).ShouldHaveSingleItem()["resource_id"]!.GetValue<string>().ShouldBe(soon.ToString());
        (await EventsAsync(t.Http, "renewal.upcoming", far)).ShouldBeEmpty();
        var overdue = (await EventsAsync(t.Http, "invoice.overdue")).ShouldHaveSingleItem();
        overdue["resource_id"]!.GetValue<string>().ShouldBe(invId.ToString());
        overdue["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        (await t.Http.GetOkAsync($"/api/v1/invoices/{invId}"))["overdue_at"].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_failed_payment_publishes_payment_failed()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var inv = await t.Http.DraftAsync(customer, ("Licence", 1, 80m));
        await t.Http.PostOkAsync($"/api/v1/invoices/{inv}/finalize");
        var p = await t.Http.PostOkAsync("/api/v1/payments", new { customer_id = customer, invoice_id = inv, amount = 80m, status = "failed", payment_method = "card" }, 201);
        (await EventsAsync(t.Http, "payment.failed")).ShouldHaveSingleItem()["resource_id"]!.GetValue<string>().ShouldBe(p.Str("id"));
        (await EventsAsync(t.Http, "invoice.paid", inv)).ShouldBeEmpty();
        (await t.Http.GetOkAsync($"/api/v1/invoices/{inv}")).Str("status").ShouldBe("open");
    }
}
