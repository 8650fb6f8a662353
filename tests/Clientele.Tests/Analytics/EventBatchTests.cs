using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Analytics;

/// <summary>Issue 14 item 2: POST /api/v1/analytics_events/batch takes up to 1,000 events, once each, and refuses a bad batch whole.</summary>
public sealed class EventBatchTests(AnalyticsFixture app) : IClassFixture<AnalyticsFixture>
{
    private static JsonObject Batch(IEnumerable<JsonObject> events) => new() { ["events"] = new JsonArray(events.ToArray<JsonNode>()) };

    [Fact]
    public async Task A_thousand_events_are_stored_once_even_when_the_batch_is_sent_again()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var at = DateTime.UtcNow.AddDays(-3).ToString("O");
        var events = Enumerable.Range(0, 1000).Select(i => new JsonObject
        {
            ["id"] = Guid.CreateVersion7().ToString(), ["event_type"] = i % 2 == 0 ? "feature_used" : "page_viewed",
            ["properties"] = new JsonObject { ["customer_id"] = customer.ToString(), ["feature"] = "inbox", ["n"] = i },
            ["user_id"] = i % 10 == 0 ? t.UserId.ToString() : null, ["created_at"] = i < 500 ? at : null,
        }).ToList();
        var first = await t.Http.PostJsonAsync("/api/v1/analytics_events/batch", Batch(events));
        first.Status.ShouldBe(HttpStatusCode.OK, first.Json?.ToJsonString());
        first.Json!["inserted"]!.GetValue<int>().ShouldBe(1000);
        first.Json["duplicates"]!.GetValue<int>().ShouldBe(0);

        // A retry (999 of them, plus one new event) inserts only the new one.
        var retry = events.Skip(1).Select(e => (JsonObject)e.DeepClone()).Append(new JsonObject { ["event_type"] = "signed_in" }).ToList();
        var again = await t.Http.PostJsonAsync("/api/v1/analytics_events/batch", Batch(retry));
        again.Status.ShouldBe(HttpStatusCode.OK, again.Json?.ToJsonString());
        again.Json!["inserted"]!.GetValue<int>().ShouldBe(1);
        again.Json["duplicates"]!.GetValue<int>().ShouldBe(999);
        var ids = again.Json["ids"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        ids.Take(999).ShouldBe(events.Skip(1).Select(e => e["id"]!.GetValue<string>()));

        (await Success.HealthTests.CountAsync(app, "SELECT count(*) FROM analytics_events WHERE organization_id = $1", t.OrganizationId)).ShouldBe(1001);
        (await Success.HealthTests.CountAsync(app, "SELECT count(*) FROM analytics_events WHERE organization_id = $1 AND created_at < now() - interval '2 days'", t.OrganizationId)).ShouldBe(500);
        var stored = await t.Http.GetJsonAsync($"/api/v1/analytics_events/{events[3]["id"]}");
        stored.Json!["properties"]!["n"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task A_bad_event_refuses_the_whole_batch_naming_its_place()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var id = Guid.CreateVersion7().ToString();
        async Task Refused(JsonObject body, string field, int status = 422)
        {
            (await t.Http.PostJsonAsync("/api/v1/analytics_events/batch", body)).ShouldBeProblem(status, field);
        }
        var good = new JsonObject { ["event_type"] = "ok" };
        await Refused(Batch([(JsonObject)good.DeepClone(), new JsonObject { ["properties"] = new JsonObject() }]), "events[1].event_type");
        await Refused(Batch([(JsonObject)good.DeepClone(), new JsonObject { ["event_type"] = "x", ["resource_id"] = "12" }]), "events[1].resource_id");
        await Refused(Batch([new JsonObject { ["event_type"] = "x", ["properties"] = "text" }]), "events[0].properties");
        await Refused(Batch([new JsonObject { ["event_type"] = "x", ["created_at"] = "2020-01-01T00:00:00Z" }]), "events[0].created_at");
        await Refused(Batch([new JsonObject { ["event_type"] = "x", ["created_at"] = "2026-01-01 10:00" }]), "events[0].created_at");
        await Refused(Batch([new JsonObject { ["event_type"] = "x", ["colour"] = "red" }]), "events[0].colour");
        await Refused(Batch([new JsonObject { ["id"] = id, ["event_type"] = "a" }, new JsonObject { ["id"] = id, ["event_type"] = "b" }]), "events[1].id");
        await Refused(Batch([new JsonObject { ["event_type"] = "x", ["user_id"] = other.UserId.ToString() }]), "events[0].user_id");
        await Refused(Batch(Enumerable.Range(0, 1001).Select(_ => (JsonObject)good.DeepClone())), "events");
        await Refused(Batch([]), "events");
        await Refused(new JsonObject { ["event"] = "x" }, "events");
        (await Success.HealthTests.CountAsync(app, "SELECT count(*) FROM analytics_events WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);

        var reader = await app.KeyClientAsync(t, "read");
        (await reader.PostJsonAsync("/api/v1/analytics_events/batch", Batch([good]))).ShouldBeProblem(403);
    }

    [Fact]
    public async Task The_same_event_id_in_two_organizations_is_two_events()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        var id = Guid.CreateVersion7().ToString();
        foreach (var t in new[] { a, b })
        {
            var r = await t.Http.PostJsonAsync("/api/v1/analytics_events/batch", Batch([new JsonObject { ["id"] = id, ["event_type"] = "x" }]));
            r.Json!["inserted"]!.GetValue<int>().ShouldBe(1);
        }
        (await a.Http.GetJsonAsync($"/api/v1/analytics_events?id={id}")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }
}
