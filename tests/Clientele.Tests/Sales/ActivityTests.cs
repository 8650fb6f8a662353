using Clientele.Modules.Sales.Activities;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Sales;

/// <summary>Issue 12 item 4: sales activities completed and rescheduled by action; overdue ones notify their performer once; every activity on the lead's, deal's and customer's timeline.</summary>
public sealed class ActivityTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<Guid> ActivityAsync(HttpClient http, object body) =>
        Guid.Parse((await http.PostOkAsync("/api/v1/sales_activities", body, 201)).Str("id"));

    private static async Task<List<System.Text.Json.Nodes.JsonNode>> OverdueNotesAsync(HttpClient http) =>
        (await http.GetOkAsync("/api/v1/notifications?category=sales_activity_overdue&limit=100"))["data"]!.AsArray().Select(n => n!).ToList();

    private Task RunJobAsync() => app.App.Services.GetRequiredService<OverdueActivities>().RunAsync(DateTime.UtcNow, CancellationToken.None);

    [Fact]
    public async Task An_overdue_activity_notifies_its_performer_once_completing_stops_it_and_a_new_time_can_notify_again()
    {
        var t = await app.SignupAsync();
        var deal = await t.Http.DealAsync(new { name = "Overdue Co", value = 100m });
        var late = await ActivityAsync(t.Http, new { deal_id = deal, activity_type = "call", subject = "Discovery call", scheduled_at = DateTime.UtcNow.AddHours(-2), performed_by = t.UserId });
        var doneInTime = await ActivityAsync(t.Http, new { deal_id = deal, activity_type = "follow_up", subject = "Send pricing", scheduled_at = DateTime.UtcNow.AddHours(-1), performed_by = t.UserId });
        var future = await ActivityAsync(t.Http, new { deal_id = deal, activity_type = "demo", scheduled_at = DateTime.UtcNow.AddDays(2), performed_by = t.UserId });
        (await t.Http.GetOkAsync($"/api/v1/sales_activities/{late}"))["is_overdue"]!.GetValue<bool>().ShouldBeTrue();

        (await t.Http.PostOkAsync($"/api/v1/sales_activities/{doneInTime}/complete", new { outcome = "sent" })).Str("outcome").ShouldBe("sent");
        await RunJobAsync();
        await RunJobAsync(); // the second run finds it already notified

        var notes = await OverdueNotesAsync(t.Http);
        notes.Count.ShouldBe(1, string.Join("\n", notes.Select(n => n.ToJsonString())));
        notes[0].Str("title").ShouldBe("Overdue: Call: Discovery call");
        notes[0].Str("type").ShouldBe("warning");
        notes[0].Str("link").ShouldBe($"/app/deals/{deal}");
        notes[0]["data"]!.Str("sales_activity_id").ShouldBe(late.ToString());
        (await t.Http.GetOkAsync($"/api/v1/sales_activities/{late}"))["overdue_notified_at"].ShouldNotBeNull();
        (await t.Http.GetOkAsync($"/api/v1/sales_activities/{future}"))["overdue_notified_at"].ShouldBeNull();

        // Rescheduled into the past again (missed again): the mark is cleared and it notifies once more.
        var moved = await t.Http.PostOkAsync($"/api/v1/sales_activities/{late}/reschedule", new { scheduled_at = DateTime.UtcNow.AddMinutes(-5) });
        moved["overdue_notified_at"].ShouldBeNull();
        await RunJobAsync();
        (await OverdueNotesAsync(t.Http)).Count.ShouldBe(2);

        // Completed: no more reminders, and completing twice is a conflict that changes nothing.
        var done = await t.Http.PostOkAsync($"/api/v1/sales_activities/{late}/complete", new { outcome = "connected", description = "Spoke with the CFO" });
        done["is_completed"]!.GetValue<bool>().ShouldBeTrue();
        done["is_overdue"]!.GetValue<bool>().ShouldBeFalse();
        var completedAt = done.Str("completed_at");
        (await t.Http.PostJsonAsync($"/api/v1/sales_activities/{late}/complete", new { outcome = "again" })).ShouldBeProblem(409, "completed_at");
        (await t.Http.PostJsonAsync($"/api/v1/sales_activities/{late}/reschedule", new { scheduled_at = DateTime.UtcNow.AddDays(1) })).ShouldBeProblem(409, "completed_at");
        var after = await t.Http.GetOkAsync($"/api/v1/sales_activities/{late}");
        after.Str("completed_at").ShouldBe(completedAt);
        after.Str("outcome").ShouldBe("connected");
        await RunJobAsync();
        (await OverdueNotesAsync(t.Http)).Count.ShouldBe(2);

        var events = await t.Http.GetOkAsync($"/api/v1/domain_events?resource_id={late}&limit=50");
        events["data"]!.AsArray().Select(e => e!.Str("event_type")).ShouldContain("sales_activity.completed");
    }

    [Fact]
    public async Task The_actions_validate_their_fields_and_answer_404_for_another_organizations_activity()
    {
        var t = await app.SignupAsync();
        var lead = await t.Http.LeadAsync(new { name = "Val Idate", email = $"v-{Guid.NewGuid():N}@example.test" });
        var id = await ActivityAsync(t.Http, new { lead_id = lead, activity_type = "email", scheduled_at = DateTime.UtcNow.AddHours(3) });
        var url = $"/api/v1/sales_activities/{id}";
        (await t.Http.PostJsonAsync($"{url}/complete", new { outcome = new string('x', 51) })).ShouldBeProblem(422, "outcome");
        (await t.Http.PostJsonAsync($"{url}/complete", new { completed_at = DateTime.UtcNow.AddDays(1) })).ShouldBeProblem(422, "completed_at");
        (await t.Http.PostJsonAsync($"{url}/complete", new { completed_at = "soon" })).ShouldBeProblem(422, "completed_at");
        (await t.Http.PostJsonAsync($"{url}/complete", new { result = "x" })).ShouldBeProblem(422, "result");
        (await t.Http.PostJsonAsync($"{url}/reschedule", new { })).ShouldBeProblem(422, "scheduled_at");
        (await t.Http.PatchJsonAsync(url, new { overdue_notified_at = DateTime.UtcNow })).ShouldBeProblem(422, "overdue_notified_at");
        (await t.Http.GetOkAsync(url))["completed_at"].ShouldBeNull();

        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"{url}/complete", new { })).ShouldBeProblem(404);
        (await other.Http.PostJsonAsync($"{url}/reschedule", new { scheduled_at = DateTime.UtcNow })).ShouldBeProblem(404);
        (await t.Http.GetOkAsync(url))["completed_at"].ShouldBeNull();
        (await t.Http.PostOkAsync($"{url}/complete")).Str("completed_at").ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Every_activity_of_a_customers_leads_and_deals_is_on_the_customers_timeline()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var lead = await t.Http.LeadAsync(new { name = "Tim Line", email = $"tl-{Guid.NewGuid():N}@example.test", customer_id = customer });
        var deal = await t.Http.DealAsync(new { name = "Timeline deal", value = 500m, customer_id = customer, lead_id = lead });
        var onDeal = await ActivityAsync(t.Http, new { deal_id = deal, activity_type = "meeting", subject = "Kick-off", scheduled_at = DateTime.UtcNow.AddDays(1) });
        var onLead = await ActivityAsync(t.Http, new { lead_id = lead, activity_type = "call", subject = "Intro", completed_at = DateTime.UtcNow.AddHours(-1), outcome = "interested" });

        var items = (await t.Http.GetOkAsync($"/api/v1/customers/{customer}/timeline?limit=200"))["data"]!.AsArray();
        var sales = items.Where(i => i!.Str("kind") == "sales_activity").ToDictionary(i => i!.Str("id"), i => i!.Str("title"));
        sales[onDeal.ToString()].ShouldBe("Meeting: Kick-off (scheduled)");
        sales[onLead.ToString()].ShouldBe("Call: Intro");

        // Completed: the customer's timeline says so (no marker); the lead's and deal's timelines are checked in Console/SalesPagesTests.
        await t.Http.PostOkAsync($"/api/v1/sales_activities/{onDeal}/complete");
        items = (await t.Http.GetOkAsync($"/api/v1/customers/{customer}/timeline?limit=200"))["data"]!.AsArray();
        items.Single(i => i!.Str("id") == onDeal.ToString())!.Str("title").ShouldBe("Meeting: Kick-off");
        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync($"/api/v1/customers/{customer}/timeline")).ShouldBeProblem(404);
    }
}
