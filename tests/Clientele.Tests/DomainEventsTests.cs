using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 1: domain events published with the change, kept, listed, dispatched through the outbox.</summary>
public sealed class DomainEventsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Updating_a_customers_health_publishes_generic_and_named_events_with_the_old_values()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.CreateCustomerAsync(new { health_score = 70, mrr = 100 });
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { health_score = 20 })).Status.ShouldBe(HttpStatusCode.OK);

        var list = await t.Http.GetJsonAsync($"/api/v1/domain_events?resource_id={id}&order=created_at&limit=50");
        list.Status.ShouldBe(HttpStatusCode.OK, list.Json?.ToJsonString());
        var types = list.Json!["data"]!.AsArray().Select(e => e!["event_type"]!.GetValue<string>()).ToList();
        types.ShouldBe(["customers.created", "customer.created", "customers.updated", "customer.updated", "customer.health_changed"], ignoreOrder: true);

        var health = (await t.Http.GetJsonAsync("/api/v1/domain_events?event_type=customer.health_changed")).Json!["data"]!.AsArray().Single()!;
        health["customer_id"]!.GetValue<string>().ShouldBe(id.ToString());
        health["changed_fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldContain("health_score");
        health["previous"]!["health_score"]!.GetValue<int>().ShouldBe(70);
        health["data"]!["health_score"]!.GetValue<int>().ShouldBe(20);
        health["actor_type"]!.GetValue<string>().ShouldBe("api");
        health["actor_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
    }

    [Fact]
    public async Task A_rejected_change_publishes_nothing_and_a_delete_publishes_the_row_as_it_was()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/customers", new { name = "No email", health_score = 500 })).ShouldBeProblem(422);
        (await t.Http.GetJsonAsync("/api/v1/domain_events")).Json!["data"]!.AsArray().Where(e => e!["resource_type"]?.GetValue<string>() == "customers").ShouldBeEmpty();

        var id = await t.Http.CreateCustomerAsync(new { name = "Gone Soon" });
        (await t.Http.DeleteAsync2($"/api/v1/customers/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        var deleted = (await t.Http.GetJsonAsync("/api/v1/domain_events?event_type=customers.deleted")).Json!["data"]!.AsArray().Single()!;
        deleted["resource_id"]!.GetValue<string>().ShouldBe(id.ToString());
        deleted["data"]!["name"]!.GetValue<string>().ShouldBe("Gone Soon");
    }

    [Fact]
    public async Task Events_are_read_only_paged_and_never_cross_tenants()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        for (var i = 0; i < 3; i++) await a.Http.CreateCustomerAsync();
        (await a.Http.PostJsonAsync("/api/v1/domain_events", new { event_type = "customer.created" })).ShouldBeProblem(405);

        var page = await a.Http.GetJsonAsync("/api/v1/domain_events?event_type=customer.created&limit=2");
        page.Json!["data"]!.AsArray().Count.ShouldBe(2);
        page.Json["has_more"]!.GetValue<bool>().ShouldBeTrue();
        var next = await a.Http.GetJsonAsync($"/api/v1/domain_events?event_type=customer.created&limit=2&cursor={page.Json["next_cursor"]}");
        next.Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await b.Http.GetJsonAsync("/api/v1/domain_events?event_type=customer.created")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_committed_change_enqueues_one_dispatch_row_that_the_outbox_completes()
    {
        var t = await app.SignupAsync();
        // Something must listen: a trigger (this fixture switches the health subscriber off).
        (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "watch", condition = new { @event = "customer.health_changed" }, actions = new[] { new { type = "create_note", content = "changed" } } }))
            .Status.ShouldBe(HttpStatusCode.Created);
        await t.Http.CreateCustomerAsync();
        await using var conn = await app.OwnerAsync();
        var done = await Eventually.GetAsync(async () =>
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE processed_at IS NOT NULL), count(*) FROM outbox WHERE organization_id = $1 AND topic = 'domain_events.dispatch' AND payload::text LIKE '%customer.created%'", conn);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return (Processed: r.GetInt64(0), Total: r.GetInt64(1));
        }, x => x.Processed == 1, what: "the dispatch row to be processed");
        done.Total.ShouldBe(1);
    }

    [Fact]
    public async Task A_change_nothing_subscribes_to_keeps_its_events_and_writes_no_dispatch_row_until_a_trigger_exists()
    {
        var t = await app.SignupAsync();
        var first = await t.Http.CreateCustomerAsync();
        await using var conn = await app.OwnerAsync();
        async Task<long> CountAsync(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        const string Dispatch = "SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic = 'domain_events.dispatch'";
        // The new customer's first health recompute is a change of its own (customers.updated with the
        // score) that in-process subscribers may want, and it can commit before this check: only the
        // creation's dispatch is in question here.
        const string CreatedDispatch = Dispatch + " AND jsonb_path_exists(payload, '$.events[*] ? (@.type == \"customer.created\")')";
        (await CountAsync("SELECT count(*) FROM domain_events WHERE organization_id = $1 AND event_type = 'customer.created'")).ShouldBe(1L, "the event is kept");
        (await CountAsync(CreatedDispatch)).ShouldBe(0L, "no trigger, workflow, webhook endpoint or in-process subscriber wants it");

        (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "watch", condition = new { @event = "customer.created" }, actions = new[] { new { type = "create_note", content = "new" } } }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var second = await t.Http.CreateCustomerAsync();
        (await CountAsync(CreatedDispatch)).ShouldBe(1L, "the trigger is seen by the very next change");
        var fired = await Eventually.GetAsync(async () => (await t.Http.GetJsonAsync("/api/v1/trigger_events?limit=10")).Json!["data"]!.AsArray(), a => a.Count >= 1, what: "the trigger to fire");
        fired.Single()!["customer_id"]!.GetValue<string>().ShouldBe(second.ToString());
        first.ShouldNotBe(second);
    }
}
