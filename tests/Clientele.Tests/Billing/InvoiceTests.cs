using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10: invoices (lines, totals, numbering, states), payments, refunds and credits.</summary>
public sealed class InvoiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Line_amounts_and_totals_are_computed_by_the_server_rounded_once_per_line_half_even()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var id = await t.Http.DraftAsync(customer, ("API calls", 3m, 0.0175m), ("Seats", 2m, 10.005m), ("Setup", 1m, 100m));
        var inv = await t.Http.GetOkAsync($"/api/v1/invoices/{id}?include=invoice_lines");
        // 3 × 0.0175 = 0.0525 → 0.05; 2 × 10.005 = 20.01; rounded per line, then summed.
        inv["invoice_lines"]!.AsArray().Select(l => l!.Dec("amount")).Order().ShouldBe([0.05m, 20.01m, 100m]);
        inv.Dec("subtotal").ShouldBe(120.06m);
        inv.Dec("amount").ShouldBe(120.06m);
        // A typed line amount is not the client's to set.
        (await t.Http.PostJsonAsync("/api/v1/invoice_lines", new { invoice_id = id, kind = "base", description = "x", quantity = 1, unit_price = 1, amount = 99 })).ShouldBeProblem(422, "amount");

        await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize");
        var late = await t.Http.PostJsonAsync("/api/v1/invoice_lines", new { invoice_id = id, kind = "base", description = "late", quantity = 1, unit_price = 5 });
        late.ShouldBeProblem(409, "invoice_id");
        (await t.Http.GetOkAsync($"/api/v1/invoices/{id}")).Dec("amount").ShouldBe(120.06m);
        // No SMTP relay on this host: sending says what to configure.
        var send = await t.Http.PostAsync($"/api/v1/invoices/{id}/send", System.Net.Http.Json.JsonContent.Create(new { }));
        ((int)send.StatusCode).ShouldBe(503);
        (await send.Content.ReadAsStringAsync()).ShouldContain("Smtp__Host");
    }

    [Fact]
    public async Task Twenty_concurrent_finalizations_take_twenty_distinct_consecutive_numbers()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var drafts = new List<Guid>();
        for (var i = 0; i < 20; i++) drafts.Add(await t.Http.DraftAsync(customer, ($"Item {i}", 1m, 10m + i)));
        var results = await Task.WhenAll(drafts.Select(d => t.Http.PostJsonAsync($"/api/v1/invoices/{d}/finalize", new { })));
        results.ShouldAllBe(r => (int)r.Status == 200);
        var year = DateTime.UtcNow.Year;
        results.Select(r => r.Json!.Str("invoice_number")).Order().ShouldBe(Enumerable.Range(1, 20).Select(n => $"INV-{year}-{n:000000}"));
        (await t.Http.PostJsonAsync($"/api/v1/invoices/{drafts[0]}/finalize", new { })).ShouldBeProblem(409, "status");
        // Another organization numbers from 1 on its own.
        var other = await app.SignupAsync();
        var oc = await other.Http.CreateCustomerAsync();
        var od = await other.Http.DraftAsync(oc, ("x", 1m, 1m));
        (await other.Http.PostOkAsync($"/api/v1/invoices/{od}/finalize")).Str("invoice_number").ShouldBe($"INV-{year}-000001");
    }

    [Fact]
    public async Task Payments_settle_the_invoice_partial_ones_leave_the_balance_and_a_double_payment_is_refused()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var id = await t.Http.DraftAsync(customer, ("Service", 1m, 300m));
        (await t.Http.PostJsonAsync("/api/v1/payments", new { customer_id = customer, invoice_id = id, amount = 10m, status = "succeeded" })).ShouldBeProblem(409, "invoice_id");
        await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize");

        await t.Http.PayAsync(customer, id, 100m);
        var partial = await t.Http.GetOkAsync($"/api/v1/invoices/{id}");
        partial.Str("status").ShouldBe("open");
        partial.Dec("amount_paid").ShouldBe(100m);
        partial.Dec("amount_due").ShouldBe(200m);
        (await t.Http.PostJsonAsync("/api/v1/payments", new { customer_id = customer, invoice_id = id, amount = 250m, status = "succeeded" })).ShouldBeProblem(422, "amount");

        var last = await t.Http.PayAsync(customer, id, 200m);
        var paid = await t.Http.GetOkAsync($"/api/v1/invoices/{id}");
        paid.Str("status").ShouldBe("paid");
        paid["paid_at"].ShouldNotBeNull();
        paid.Dec("amount_due").ShouldBe(0m);
        var twice = await t.Http.PostJsonAsync("/api/v1/payments", new { customer_id = customer, invoice_id = id, amount = 1m, status = "succeeded" });
        twice.ShouldBeProblem(409, "invoice_id");
        (await t.Http.GetOkAsync($"/api/v1/customers/{customer}")).Dec("ltv").ShouldBe(300m);

        // Refund 50 reopening the balance: the invoice is open again for 50.
        await t.Http.PostOkAsync($"/api/v1/payments/{last.Str("id")}/refund", new { amount = 50m, mode = "reopen" });
        var reopened = await t.Http.GetOkAsync($"/api/v1/invoices/{id}");
        reopened.Str("status").ShouldBe("open");
        reopened.Dec("amount_due").ShouldBe(50m);
        (await t.Http.GetOkAsync($"/api/v1/customers/{customer}")).Dec("ltv").ShouldBe(250m);
        // Refund the rest of that payment as a credit: the invoice keeps its balance, the customer gets a refund credit.
        var r = await t.Http.PostOkAsync($"/api/v1/payments/{last.Str("id")}/refund", new { mode = "credit" });
        r.Str("status").ShouldBe("refunded");
        var credit = await t.Http.GetOkAsync($"/api/v1/credits/{r.Str("refund_credit_id")}");
        credit.Dec("amount").ShouldBe(150m);
        credit.Str("credit_type").ShouldBe("refund");
        (await t.Http.PostJsonAsync($"/api/v1/payments/{last.Str("id")}/refund", new { mode = "credit" })).ShouldBeProblem(409, "status");
        (await t.Http.GetOkAsync($"/api/v1/invoices/{id}")).Dec("amount_due").ShouldBe(50m);
    }

    [Fact]
    public async Task Finalizing_applies_active_credits_oldest_expiring_first_and_never_expired_ones()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        async Task<string> Credit(decimal amount, DateTime? expires, string status = "active") =>
            (await t.Http.PostOkAsync("/api/v1/credits", new { customer_id = customer, amount, credit_type = "goodwill", expires_at = expires, status }, 201)).Str("id");
        var expired = await Credit(500m, DateTime.UtcNow.AddDays(-1));
        var late = await Credit(100m, DateTime.UtcNow.AddDays(60));
        var never = await Credit(100m, null);
        var soon = await Credit(30m, DateTime.UtcNow.AddDays(5));

        var id = await t.Http.DraftAsync(customer, ("Service", 1m, 80m));
        var inv = await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize");
        inv.Dec("subtotal").ShouldBe(80m);
        inv.Dec("credits_applied").ShouldBe(80m);
        inv.Dec("amount").ShouldBe(0m);
        inv.Str("status").ShouldBe("paid"); // nothing left to pay
        (await t.Http.GetOkAsync($"/api/v1/credits/{soon}")).Str("status").ShouldBe("used");
        (await t.Http.GetOkAsync($"/api/v1/credits/{late}")).Dec("used_amount").ShouldBe(50m);
        (await t.Http.GetOkAsync($"/api/v1/credits/{never}")).Dec("used_amount").ShouldBe(0m);
        (await t.Http.GetOkAsync($"/api/v1/credits/{expired}")).Dec("used_amount").ShouldBe(0m);
        var lines = (await t.Http.GetOkAsync($"/api/v1/invoices/{id}?include=invoice_lines"))["invoice_lines"]!.AsArray();
        lines.Where(l => l!.Str("kind") == "credit").Select(l => l!.Dec("amount")).Order().ShouldBe([-50m, -30m]);

        // Voiding an open invoice gives its credits back.
        var second = await t.Http.DraftAsync(customer, ("More", 1m, 200m));
        (await t.Http.PostOkAsync($"/api/v1/invoices/{second}/finalize")).Dec("amount").ShouldBe(50m); // 50 left on `late`, 100 on `never`
        (await t.Http.GetOkAsync($"/api/v1/credits/{never}")).Str("status").ShouldBe("used");
        (await t.Http.PostOkAsync($"/api/v1/invoices/{second}/void")).Str("status").ShouldBe("void");
        (await t.Http.GetOkAsync($"/api/v1/credits/{never}")).Dec("used_amount").ShouldBe(0m);
        (await t.Http.GetOkAsync($"/api/v1/credits/{late}")).Dec("used_amount").ShouldBe(50m);
        (await t.Http.PostJsonAsync($"/api/v1/invoices/{second}/void", new { })).ShouldBeProblem(409, "status");
        (await t.Http.PostJsonAsync($"/api/v1/invoices/{id}/mark_uncollectible", new { })).ShouldBeProblem(409, "status");
    }
}
