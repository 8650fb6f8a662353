using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Sales;

/// <summary>Issue 12, deals: stage rules (probability, closed_at, lost_reason) for the action and every write; the pipeline report agrees with the rows.</summary>
public sealed class DealTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Stage_changes_keep_the_stage_probability_unless_set_close_with_a_date_and_a_lost_deal_needs_its_reason()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.DealAsync(new { name = "Acme", value = 1000m });
        var url = $"/api/v1/deals/{id}";
        (await t.Http.GetOkAsync(url)).Int("probability").ShouldBe(10);
        (await t.Http.PostOkAsync($"{url}/stage", new { stage = "proposal" })).Int("probability").ShouldBe(50);
        var set = await t.Http.PostOkAsync($"{url}/stage", new { stage = "negotiation", probability = 60 });
        set.Int("probability").ShouldBe(60);
        set.Dec("weighted_value").ShouldBe(600m);

        (await t.Http.PostJsonAsync($"{url}/stage", new { stage = "closed_lost" })).ShouldBeProblem(422, "lost_reason");
        (await t.Http.PatchJsonAsync(url, new { stage = "closed_lost" })).ShouldBeProblem(422, "lost_reason");
        (await t.Http.PostJsonAsync($"{url}/stage", new { stage = "won" })).ShouldBeProblem(422, "stage");
        (await t.Http.GetOkAsync(url)).Str("stage").ShouldBe("negotiation");

        var lost = await t.Http.PostOkAsync($"{url}/stage", new { stage = "closed_lost", lost_reason = "Budget cut" });
        lost.Int("probability").ShouldBe(0);
        lost["closed_at"].ShouldNotBeNull();
        lost.Str("lost_reason").ShouldBe("Budget cut");
        // Reopened: closed_at and the reason go, the stage's probability comes back.
        var reopened = await t.Http.PostOkAsync($"{url}/stage", new { stage = "qualification" });
        reopened["closed_at"].ShouldBeNull();
        reopened["lost_reason"].ShouldBeNull();
        reopened.Int("probability").ShouldBe(25);
        // A PATCH follows the same rules: won is 100 with a closed_at.
        var won = await t.Http.PatchJsonAsync(url, new { stage = "closed_won" });
        var wonRow = won.Json!;
        wonRow.Int("probability").ShouldBe(100);
        wonRow["closed_at"].ShouldNotBeNull();
        wonRow["is_won"]!.GetValue<bool>().ShouldBeTrue();

        var events = await t.Http.GetOkAsync($"/api/v1/domain_events?resource_id={id}&limit=50");
        events["data"]!.AsArray().Count(e => e!.Str("event_type") == "deal.stage_changed").ShouldBeGreaterThanOrEqualTo(5);
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"{url}/stage", new { stage = "proposal" })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task The_pipeline_totals_per_stage_and_the_forecast_by_month_agree_with_the_deal_rows()
    {
        var t = await app.SignupAsync();
        var rep = Guid.Parse((await t.Http.PostOkAsync("/api/v1/users", new { email = $"rep-{Guid.NewGuid():N}@x.test", role = "member" }, 201)).Str("id"));
        var month1 = new DateTime(2027, 1, 15, 12, 0, 0, DateTimeKind.Utc);
        var month2 = new DateTime(2027, 2, 10, 12, 0, 0, DateTimeKind.Utc);
        await t.Http.DealAsync(new { name = "A", value = 1000.10m, stage = "proposal", expected_close_date = month1 });
        await t.Http.DealAsync(new { name = "B", value = 333.33m, stage = "proposal", probability = 33, expected_close_date = month1, assigned_to = rep });
        await t.Http.DealAsync(new { name = "C", value = 5000m, stage = "negotiation", expected_close_date = month2, assigned_to = rep });
        await t.Http.DealAsync(new { name = "D", value = 700m, stage = "closed_won", expected_close_date = month1 });
        await t.Http.DealAsync(new { name = "E", value = 50m, stage = "prospecting" });
        await t.Http.DealAsync(new { name = "F", value = 999m, currency = "EUR", stage = "proposal", expected_close_date = month1 });

        var p = await t.Http.GetOkAsync("/api/v1/deals/pipeline");
        p.Str("currency").ShouldBe("USD");
        var rows = (await t.Http.GetOkAsync("/api/v1/deals?currency=USD&limit=200"))["data"]!.AsArray();
        foreach (var stage in p["stages"]!.AsArray())
        {
            var mine = rows.Where(r => r!.Str("stage") == stage!.Str("stage")).ToList();
            stage!.Int("count").ShouldBe(mine.Count);
            stage!.Dec("value").ShouldBe(mine.Sum(r => r!.Dec("value")));
            stage!.Dec("weighted_value").ShouldBe(mine.Sum(r => r!.Dec("weighted_value")));
        }
        var proposal = p["stages"]!.AsArray().Single(s => s!.Str("stage") == "proposal")!;
        proposal.Dec("weighted_value").ShouldBe(500.05m + 110.00m); // 1000.10 × 50% and 333.33 × 33% rounded per deal
        p["open"]!.Int("count").ShouldBe(4);
        var forecast = p["forecast"]!.AsArray();
        forecast.Select(m => m!["month"]?.GetValue<string>()).ShouldBe(["2027-01", "2027-02", null]);
        forecast[0]!.Dec("value").ShouldBe(1333.43m); // the won deal is not forecast
        forecast[1]!.Dec("weighted_value").ShouldBe(3750m);

        var mine2 = await t.Http.GetOkAsync($"/api/v1/deals/pipeline?assigned_to={rep}&close_month=2027-01");
        mine2["open"]!.Int("count").ShouldBe(1);
        mine2["open"]!.Dec("value").ShouldBe(333.33m);
        (await t.Http.GetOkAsync("/api/v1/deals/pipeline?currency=EUR"))["open"]!.Dec("value").ShouldBe(999m);
        (await t.Http.GetJsonAsync("/api/v1/deals/pipeline?close_month=2027-13")).ShouldBeProblem(400, "close_month");
        (await t.Http.GetJsonAsync("/api/v1/deals/pipeline?stage=x")).ShouldBeProblem(400, "stage");
    }

    [Fact]
    public async Task Winning_a_deal_that_describes_a_subscription_creates_or_changes_the_customers_subscription_through_billing()
    {
        var t = await app.SignupAsync();
        await t.Http.PlanAsync("basic", 10m, 5m);
        await t.Http.PlanAsync("premium", 50m, 10m);
        var customer = await t.Http.CreateCustomerAsync();
        var deal = await t.Http.DealAsync(new { name = "New logo", value = 300m, stage = "negotiation", customer_id = customer, extra_metadata = new { plan = "basic", seats = 3 } });
        var won = await t.Http.PostOkAsync($"/api/v1/deals/{deal}/stage", new { stage = "closed_won" });
        won["extra_metadata"]!.Str("subscription_effect").ShouldBe("created");
        var subs = (await t.Http.GetOkAsync($"/api/v1/subscriptions?customer_id={customer}"))["data"]!.AsArray();
        var sub = subs.ShouldHaveSingleItem()!;
        sub.Str("id").ShouldBe(won["extra_metadata"]!.Str("subscription_id"));
        (sub.Str("plan"), sub.Int("seats_total"), sub.Str("status")).ShouldBe(("basic", 3, "active"));
        sub.Dec("mrr").ShouldBe(25m); // 10 + 3 × 5, the catalogue's price

        // An expansion deal on the same customer changes that subscription (seats, then an upgrade invoiced now).
        var expansion = await t.Http.DealAsync(new { name = "Expansion", value = 700m, stage = "proposal", customer_id = customer, extra_metadata = new { plan = "premium", seats = 5 } });
        (await t.Http.PostOkAsync($"/api/v1/deals/{expansion}/stage", new { stage = "closed_won" }))["extra_metadata"]!.Str("subscription_effect").ShouldBe("plan_upgraded_now");
        var after = (await t.Http.GetOkAsync($"/api/v1/subscriptions?customer_id={customer}"))["data"]!.AsArray().ShouldHaveSingleItem()!;
        (after.Str("plan"), after.Int("seats_total")).ShouldBe(("premium", 5));
        after.Dec("mrr").ShouldBe(100m);

        // A description billing cannot apply refuses the win and changes nothing; so does a deal without a customer.
        var bad = await t.Http.DealAsync(new { name = "Gold", value = 1m, stage = "negotiation", customer_id = customer, extra_metadata = new { plan = "gold" } });
        (await t.Http.PostJsonAsync($"/api/v1/deals/{bad}/stage", new { stage = "closed_won" })).ShouldBeProblem(422, "extra_metadata.plan");
        var orphan = await t.Http.DealAsync(new { name = "Nobody", value = 1m, stage = "negotiation", extra_metadata = new { plan = "basic" } });
        (await t.Http.PostJsonAsync($"/api/v1/deals/{orphan}/stage", new { stage = "closed_won" })).ShouldBeProblem(422, "customer_id");
        (await t.Http.GetOkAsync($"/api/v1/deals/{bad}")).Str("stage").ShouldBe("negotiation");
        (await t.Http.GetOkAsync($"/api/v1/deals/{orphan}")).Str("stage").ShouldBe("negotiation");
        (await t.Http.GetOkAsync($"/api/v1/subscriptions?customer_id={customer}"))["data"]!.AsArray().Count.ShouldBe(1);

        // A deal that describes no subscription is won as before.
        var plain = await t.Http.DealAsync(new { name = "Services", value = 5m, stage = "negotiation", customer_id = customer });
        (await t.Http.PostOkAsync($"/api/v1/deals/{plain}/stage", new { stage = "closed_won" }))["extra_metadata"].ShouldBeNull();
    }
}
