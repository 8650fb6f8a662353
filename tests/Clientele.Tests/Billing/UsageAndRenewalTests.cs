using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10: usage metering, the renewal run and dunning.</summary>
public sealed class UsageAndRenewalTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly object[] ApiCalls = [new { event_type = "api_call", included = 100, unit_price = 0.01m }];

    private static object Event(Guid customer, string id, int quantity, DateTime at, string type = "api_call") =>
        new { customer_id = customer, event_type = type, quantity, unit = "calls", timestamp = at.ToString("O"), idempotency_id = id };

    private static async Task<JsonNode> BatchAsync(HttpClient http, params object[] events) =>
        await http.PostOkAsync("/api/v1/usage_events/batch", new { events });

    [Fact]
    public async Task A_batch_is_idempotent_per_event_and_all_or_nothing_on_bad_input()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var now = DateTime.UtcNow;
        var first = await BatchAsync(t.Http, Event(customer, "e1", 5, now.AddHours(-1)), Event(customer, "e2", 7, now.AddHours(-2)), Event(customer, "e2", 7, now.AddHours(-2)));
        first.Dec("accepted").ShouldBe(2);
        first.Dec("duplicates").ShouldBe(1);
        var replay = await BatchAsync(t.Http, Event(customer, "e1", 500, now), Event(customer, "e3", 1, now));
        replay.Dec("accepted").ShouldBe(1);
        replay.Dec("duplicates").ShouldBe(1);

        var bad = await t.Http.PostJsonAsync("/api/v1/usage_events/batch", new { events = new[] { Event(customer, "e4", 1, now), Event(Guid.NewGuid(), "e5", 1, now) } });
        bad.ShouldBeProblem(422, "events[1].customer_id");
        (await t.Http.PostJsonAsync("/api/v1/usage_events/batch", new { events = new[] { new { customer_id = customer, event_type = "api_call", quantity = 1 } } })).ShouldBeProblem(422, "events[0].idempotency_id");
        var tooMany = Enumerable.Range(0, 1001).Select(i => Event(customer, $"x{i}", 1, now)).ToArray();
        (await t.Http.PostJsonAsync("/api/v1/usage_events/batch", new { events = tooMany })).ShouldBeProblem(422, "events");

        var usage = await t.Http.GetOkAsync($"/api/v1/customers/{customer}/usage?from={now.AddDays(-1):O}&to={now.AddMinutes(1):O}");
        var api = usage["data"]!.AsArray().Single()!;
        api.Dec("quantity").ShouldBe(13); // 5 + 7 + 1: the replayed e1 (500) and the refused batch changed nothing
        api.Dec("events").ShouldBe(3);
    }

    [Fact]
    public async Task Renewal_invoices_base_seats_and_overage_once_however_often_it_runs_and_late_usage_lands_in_its_period()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m, 9m, usage: ApiCalls);
        var customer = await t.Http.CreateCustomerAsync();
        var now = DateTime.UtcNow;
        var start = now.AddDays(-31);
        var end = now.AddMinutes(-5);
        var sub = await t.Http.SubscriptionAsync(customer, "basic", seats: 2, start: start, end: end);
        // Usage in the period, reported late (after it ended, before the run).
        await BatchAsync(t.Http, Event(customer, "a", 120, now.AddDays(-20)), Event(customer, "b", 30, end.AddMinutes(-1)), Event(customer, "c", 999, start.AddMinutes(-1)));
        var usage = await t.Http.GetOkAsync($"/api/v1/customers/{customer}/usage");
        usage["data"]!.AsArray().Single()!.Dec("quantity").ShouldBe(150); // the current period: c is before it
        usage["data"]!.AsArray().Single()!.Dec("billable").ShouldBe(50);

        var run = await t.Http.PostOkAsync("/api/v1/billing/run");
        run.Dec("renewed").ShouldBe(1);
        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("renewed").ShouldBe(0);
        var invoices = (await t.Http.GetOkAsync($"/api/v1/invoices?subscription_id={sub}&include=invoice_lines"))["data"]!.AsArray();
        invoices.Count.ShouldBe(1);
        var inv = invoices[0]!;
        inv.Str("status").ShouldBe("open");
        inv.Str("billing_reason").ShouldBe("subscription_cycle");
        inv.Str("invoice_number").ShouldStartWith($"INV-{now.Year}-");
        var lines = inv["invoice_lines"]!.AsArray().ToDictionary(l => l!.Str("kind"), l => l!.Dec("amount"));
        lines["base"].ShouldBe(29m);
        lines["seat"].ShouldBe(18m);
        lines["usage"].ShouldBe(0.50m); // 150 used − 100 included = 50 × 0.01
        inv.Dec("amount").ShouldBe(47.50m);

        var renewed = await t.Http.GetOkAsync($"/api/v1/subscriptions/{sub}");
        DateTime.Parse(renewed.Str("current_period_start")).ToUniversalTime().ShouldBe(end, TimeSpan.FromSeconds(1));
        // The ended period is invoiced: an event for it is refused; one in the open period lands there.
        (await t.Http.PostJsonAsync("/api/v1/usage_events/batch", new { events = new[] { Event(customer, "d", 1, end.AddMinutes(-2)) } })).ShouldBeProblem(422, "events[0].timestamp");
        (await BatchAsync(t.Http, Event(customer, "e", 4, end.AddMinutes(1)))).Dec("accepted").ShouldBe(1);
        (await t.Http.GetOkAsync($"/api/v1/customers/{customer}/usage"))["data"]!.AsArray().Single()!.Dec("quantity").ShouldBe(4);
    }

    [Fact]
    public async Task Renewal_applies_a_scheduled_downgrade_converts_trials_and_cancels_at_the_period_end()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m);
        await t.Http.PlanAsync("premium", 99m);
        var now = DateTime.UtcNow;
        var c1 = await t.Http.CreateCustomerAsync();
        var down = await t.Http.SubscriptionAsync(c1, "premium", start: now.AddDays(-20), end: now.AddDays(10));
        await t.Http.PostOkAsync($"/api/v1/subscriptions/{down}/change_plan", new { plan = "basic" });
        using (var conn = await app.OwnerAsync()) // time passes: the period ends
            await new Npgsql.NpgsqlCommand($"UPDATE subscriptions SET current_period_end = now() - interval '1 minute' WHERE id = '{down}'", conn).ExecuteNonQueryAsync();
        var c2 = await t.Http.CreateCustomerAsync();
        var trial = await t.Http.SubscriptionAsync(c2, "premium", start: now.AddDays(-14), end: now.AddMinutes(-1), status: "trialing");
        var c3 = await t.Http.CreateCustomerAsync();
        var leaving = await t.Http.SubscriptionAsync(c3, "basic", start: now.AddDays(-10), end: now.AddDays(20));
        await t.Http.PostOkAsync($"/api/v1/subscriptions/{leaving}/cancel", new { at_period_end = true });
        using (var conn = await app.OwnerAsync())
            await new Npgsql.NpgsqlCommand($"UPDATE subscriptions SET current_period_end = now() - interval '1 minute' WHERE id = '{leaving}'", conn).ExecuteNonQueryAsync();

        var run = await t.Http.PostOkAsync("/api/v1/billing/run");
        run.Dec("renewed").ShouldBe(2);
        run.Dec("canceled").ShouldBe(1);
        var d = await t.Http.GetOkAsync($"/api/v1/subscriptions/{down}?include=invoices");
        d.Str("plan").ShouldBe("basic");
        d.Dec("mrr").ShouldBe(29m);
        d["scheduled_plan"].ShouldBeNull();
        d["invoices"]!.AsArray().Single()!.Dec("amount").ShouldBe(29m);
        var tr = await t.Http.GetOkAsync($"/api/v1/subscriptions/{trial}?include=invoices");
        tr.Str("status").ShouldBe("active");
        tr["invoices"]!.AsArray().Single()!.Dec("amount").ShouldBe(99m);
        var l = await t.Http.GetOkAsync($"/api/v1/subscriptions/{leaving}?include=invoices");
        l.Str("status").ShouldBe("canceled");
        l["invoices"]!.AsArray().Count.ShouldBe(0);
        (await t.Http.GetOkAsync($"/api/v1/customers/{c3}")).Dec("mrr").ShouldBe(0m);
    }

    [Fact]
    public async Task Dunning_goes_past_due_then_reminds_then_unpaid_and_a_payment_restores_active()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 29m);
        var customer = await t.Http.CreateCustomerAsync();
        var sub = await t.Http.SubscriptionAsync(customer, "basic");
        var inv = await t.Http.PostOkAsync("/api/v1/invoices", new { customer_id = customer, subscription_id = sub, amount = 0m, due_at = DateTime.UtcNow.AddDays(-2).ToString("O") }, 201);
        var id = inv.Str("id");
        await t.Http.PostOkAsync("/api/v1/invoice_lines", new { invoice_id = id, kind = "base", description = "Basic", quantity = 1, unit_price = 29m }, 201);
        await t.Http.PostOkAsync($"/api/v1/invoices/{id}/finalize");

        await t.Http.PostOkAsync("/api/v1/billing/run");
        (await t.Http.GetOkAsync($"/api/v1/subscriptions/{sub}")).Str("status").ShouldBe("past_due");
        (await t.Http.GetOkAsync($"/api/v1/invoices/{id}")).Dec("reminders_sent").ShouldBe(1); // day 1 passed, day 3 not yet
        (await t.Http.PostOkAsync("/api/v1/billing/run")).Dec("dunning_steps").ShouldBe(0); // nothing new

        using (var conn = await app.OwnerAsync()) // a week later
            await new Npgsql.NpgsqlCommand($"UPDATE invoices SET due_at = now() - interval '8 days' WHERE id = '{id}'", conn).ExecuteNonQueryAsync();
        await t.Http.PostOkAsync("/api/v1/billing/run");
        var after = await t.Http.GetOkAsync($"/api/v1/invoices/{id}");
        after.Dec("reminders_sent").ShouldBe(3);
        after.Str("status").ShouldBe("uncollectible");
        (await t.Http.GetOkAsync($"/api/v1/subscriptions/{sub}")).Str("status").ShouldBe("unpaid");
        var activity = (await t.Http.GetOkAsync($"/api/v1/activity_logs?resource_id={customer}&limit=50"))["data"]!.AsArray().Select(a => a!.Str("action_type")).ToList();
        activity.ShouldContain("billing.subscription.past_due");
        activity.Count(a => a == "billing.dunning.reminder").ShouldBe(2);
        activity.ShouldContain("billing.dunning.unpaid");
        var notes = (await t.Http.GetOkAsync("/api/v1/notifications?category=billing&limit=50"))["data"]!.AsArray();
        notes.Count.ShouldBe(4);
        notes.ShouldAllBe(n => n!["user_id"]!.GetValue<string>() == t.UserId.ToString());

        await t.Http.PayAsync(customer, Guid.Parse(id), 29m);
        (await t.Http.GetOkAsync($"/api/v1/invoices/{id}")).Str("status").ShouldBe("paid");
        (await t.Http.GetOkAsync($"/api/v1/subscriptions/{sub}")).Str("status").ShouldBe("active");
    }
}
