using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10: the plan catalogue and the subscription lifecycle as domain actions.</summary>
public sealed class SubscriptionLifecycleTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_new_subscription_takes_mrr_and_arr_from_the_catalogue_and_starts_its_trial()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("premium", 99m, 19m, trialDays: 14);
        await t.Http.PlanAsync("enterprise", 4990m, 290m, cycle: "annual");
        var customer = await t.Http.CreateCustomerAsync();

        var trial = await t.Http.PostOkAsync("/api/v1/subscriptions", new { customer_id = customer, plan = "premium", seats_total = 5, mrr = 1m }, 201);
        trial.Str("status").ShouldBe("trialing");
        trial.Dec("mrr").ShouldBe(194m); // 99 + 5 × 19, the typed 1 ignored
        trial.Dec("arr").ShouldBe(2328m);
        DateTime.Parse(trial.Str("trial_end")).ToUniversalTime().ShouldBe(DateTime.UtcNow.AddDays(14), TimeSpan.FromMinutes(5));

        var annual = await t.Http.SubscriptionAsync(customer, "enterprise", seats: 3, cycle: "annual");
        var a = await t.Http.GetOkAsync($"/api/v1/subscriptions/{annual}");
        a.Dec("arr").ShouldBe(5860m);
        a.Dec("mrr").ShouldBe(488.33m); // 5860 / 12 = 488.333…
        a.Str("status").ShouldBe("active");

        // customers.mrr is the sum over live subscriptions (the trial does not count yet).
        (await t.Http.GetOkAsync($"/api/v1/customers/{customer}")).Dec("mrr").ShouldBe(488.33m);
        await t.Http.PostOkAsync($"/api/v1/subscriptions/{trial.Str("id")}/activate");
        var c = await t.Http.GetOkAsync($"/api/v1/customers/{customer}");
        c.Dec("mrr").ShouldBe(682.33m);
        c.Dec("arr").ShouldBe(8188m);
    }

    [Fact]
    public async Task Each_action_is_refused_with_a_409_naming_the_state_where_it_is_not_allowed()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m, 9m, trialDays: 7);
        await t.Http.PlanAsync("premium", 99m, 19m);
        var customer = await t.Http.CreateCustomerAsync();
        var sub = (await t.Http.PostOkAsync("/api/v1/subscriptions", new { customer_id = customer, plan = "basic", seats_total = 2 }, 201)).Str("id");

        (await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/activate")).Str("status").ShouldBe("active");
        var again = await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/activate", new { });
        again.ShouldBeProblem(409, "status");
        again.Json!["errors"]!["status"]![0]!.GetValue<string>().ShouldStartWith("is active");

        var seats = await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/change_seats", new { seats_total = 4, seats_used = 3 });
        seats.Dec("mrr").ShouldBe(65m);
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/change_seats", new { seats_total = 2 })).ShouldBeProblem(422, "seats_total");
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/change_seats", new { seats_total = 4, seats_used = 5 })).ShouldBeProblem(422, "seats_used");

        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/reactivate", new { })).ShouldBeProblem(409, "status");
        var cancel = await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/cancel", new { at_period_end = true });
        cancel["cancel_at_period_end"]!.GetValue<bool>().ShouldBeTrue();
        cancel.Str("status").ShouldBe("active");
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/cancel", new { at_period_end = true })).ShouldBeProblem(409, "status");
        (await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/reactivate"))["cancel_at_period_end"]!.GetValue<bool>().ShouldBeFalse();

        var now = await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/cancel", new { at_period_end = false });
        now.Str("status").ShouldBe("canceled");
        now["canceled_at"].ShouldNotBeNull();
        (await t.Http.GetOkAsync($"/api/v1/customers/{customer}")).Dec("mrr").ShouldBe(0m);
        foreach (var (action, body) in new (string, object)[] { ("reactivate", new { }), ("cancel", new { }), ("change_plan", new { plan = "premium" }), ("change_seats", new { seats_total = 9 }), ("activate", new { }) })
        {
            var r = await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/{action}", body);
            r.ShouldBeProblem(409, "status");
            r.Json!["errors"]!["status"]![0]!.GetValue<string>().ShouldStartWith("is canceled");
        }
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{Guid.NewGuid()}/activate", new { })).ShouldBeProblem(404);
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/cancel", new { })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task An_upgrade_takes_effect_now_with_the_worked_example_proration_to_the_cent()
    {
        // docs/billing.md, "Proration, a worked example": Basic 100.05/month, Premium 200.10/month;
        // a 30-day period with 15 days unused. Credit 100.05 × 15/30 = 50.025 → 50.02 (half-even);
        // charge 200.10 × 15/30 = 100.05. The invoice totals 50.03.
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 100.05m);
        await t.Http.PlanAsync("premium", 200.10m);
        var customer = await t.Http.CreateCustomerAsync();
        var sub = await t.Http.SubscriptionAsync(customer, "basic", start: BillingApi.Today.AddDays(-15), end: BillingApi.Today.AddDays(15));

        var r = await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/change_plan", new { plan = "premium" });
        r.Str("effect").ShouldBe("upgraded_now");
        r.Str("plan").ShouldBe("premium");
        r.Dec("mrr").ShouldBe(200.10m);
        var invoice = await t.Http.GetOkAsync($"/api/v1/invoices/{r.Str("proration_invoice_id")}?include=invoice_lines");
        invoice.Str("status").ShouldBe("open");
        invoice.Str("billing_reason").ShouldBe("subscription_update");
        invoice.Str("invoice_number").ShouldBe($"INV-{DateTime.UtcNow.Year}-000001");
        var lines = invoice["invoice_lines"]!.AsArray().Select(l => l!.Dec("amount")).Order().ToList();
        lines.ShouldBe([-50.02m, 100.05m]);
        invoice.Dec("amount").ShouldBe(50.03m);
        invoice.Dec("amount_due").ShouldBe(50.03m);
    }

    [Fact]
    public async Task A_downgrade_is_scheduled_for_the_period_end_and_changes_nothing_now()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m);
        await t.Http.PlanAsync("premium", 99m);
        var customer = await t.Http.CreateCustomerAsync();
        var sub = await t.Http.SubscriptionAsync(customer, "premium");
        var r = await t.Http.PostOkAsync($"/api/v1/subscriptions/{sub}/change_plan", new { plan = "basic" });
        r.Str("effect").ShouldBe("scheduled_at_period_end");
        r.Str("plan").ShouldBe("premium");
        r.Dec("mrr").ShouldBe(99m);
        r.Str("scheduled_plan").ShouldBe("basic");
        (await t.Http.GetOkAsync("/api/v1/invoices")).AsObject()["data"]!.AsArray().Count.ShouldBe(0);
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/change_plan", new { plan = "enterprise" })).ShouldBeProblem(422, "plan");
        (await t.Http.PostJsonAsync($"/api/v1/subscriptions/{sub}/change_plan", new { plan = "premium" })).ShouldBeProblem(409, "status");
    }
}
