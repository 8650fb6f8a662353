using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 2: triggers evaluated on domain events within seconds, with cooldowns, caps, actions and an explanation.</summary>
public sealed class TriggersTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static object HealthBelow40 => new
    {
        @event = "customer.updated",
        all = new object[] { new { path = "customer.health_score", op = "lt", value = 40 }, new { path = "customer.health_score", op = "changed" } },
    };

    private async Task<JsonArray> FiresAsync(AppFixture.Tenant t, string triggerId, int atLeast)
    {
        var r = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/trigger_events?trigger_id={triggerId}&limit=100"),
            x => x.Json!["data"]!.AsArray().Count >= atLeast, TimeSpan.FromSeconds(30), $"{atLeast} fires of {triggerId}");
        return r.Json!["data"]!.AsArray();
    }

    [Fact]
    public async Task Conditions_and_actions_are_validated_on_save_with_the_failing_field_named()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "x", condition = new { all = new[] { new { path = "customer.health_score", op = "below", value = 40 } } }, actions = new[] { new { type = "notify", owner = true } } }))
            .ShouldBeProblem(422, "condition.event");
        var bad = await t.Http.PostJsonAsync("/api/v1/triggers", new
        {
            name = "x",
            condition = new { @event = "customer.updated", all = new object[] { new { path = "customer.health_score", op = "below", value = 40 }, new { path = "health", op = "eq", value = 1 } } },
            actions = new object[] { new { type = "launch_rocket" }, new { type = "create_risk_signal", signal_type = "x", severity = "apocalyptic" } },
        });
        bad.ShouldBeProblem(422, "condition.all[0].op");
        bad.Json!["errors"]!["condition.all[1].path"].ShouldNotBeNull();
        bad.Json["errors"]!["actions[0].type"].ShouldNotBeNull();
        bad.Json["errors"]!["actions[1].severity"].ShouldNotBeNull();
        (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_health_drop_below_40_notifies_the_csm_proposes_the_save_play_and_explains_why_within_seconds()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 75 });
        var trigger = await t.Http.PostJsonAsync("/api/v1/triggers", new
        {
            name = "Health below 40", condition = HealthBelow40,
            actions = new object[] { new { type = "notify", owner = true, title = "Health dropped" }, new { type = "propose_save_play", playbook = "Executive save" }, new { type = "create_task", content = "Call the customer", due_in_days = 2 } },
        });
        trigger.Status.ShouldBe(HttpStatusCode.Created, trigger.Json?.ToJsonString());
        var id = trigger.Json!["id"]!.GetValue<string>();
        trigger.Json["user_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());

        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 50 })).Status.ShouldBe(HttpStatusCode.OK); // above 40: no fire
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 20 })).Status.ShouldBe(HttpStatusCode.OK);
        var fire = (await FiresAsync(t, id, 1)).Single()!;
        fire["success"]!.GetValue<bool>().ShouldBeTrue(fire.ToJsonString());
        fire["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        var matched = fire["event_data"]!["matched"]!.AsArray();
        matched.ShouldContain(m => m!["path"]!.GetValue<string>() == "customer.health_score" && m["op"]!.GetValue<string>() == "lt" && m["actual"]!.GetValue<int>() == 20 && m["matched"]!.GetValue<bool>());
        fire["actions_executed"]!.AsArray().Select(a => a!["type"]!.GetValue<string>()).ShouldBe(["notify", "propose_save_play", "create_task"]);

        var notifications = (await t.Http.GetJsonAsync($"/api/v1/notifications?user_id={t.UserId}&category=trigger")).Json!["data"]!.AsArray();
        notifications.Single()!["title"]!.GetValue<string>().ShouldBe("Health dropped");
        var approvals = (await t.Http.GetJsonAsync("/api/v1/approvals?action=save_play")).Json!["data"]!.AsArray();
        approvals.Single()!["status"]!.GetValue<string>().ShouldBe("pending");
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes?customer_id={customer}&note_type=task")).Json!["data"]!.AsArray().Single()!["content"]!.GetValue<string>().ShouldBe("Call the customer");
        var after = (await t.Http.GetJsonAsync($"/api/v1/triggers/{id}")).Json!;
        after["fire_count"]!.GetValue<int>().ShouldBe(1);
        after["last_fired_at"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Twenty_concurrent_events_fire_a_capped_trigger_exactly_its_daily_cap_and_a_cooling_one_once()
    {
        var t = await app.SignupAsync();
        var customers = new List<Guid>();
        for (var i = 0; i < 20; i++) customers.Add(await t.Http.CreateCustomerAsync(new { health_score = 80 }));
        var capped = (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "capped", condition = new { @event = "customer.health_changed" }, actions = new[] { new { type = "create_note", content = "changed" } }, max_fires_per_day = 5 })).Json!["id"]!.GetValue<string>();
        var cooling = (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "cooling", condition = new { @event = "customer.health_changed" }, actions = new[] { new { type = "create_note", content = "cooling" } }, cooldown_minutes = 60 })).Json!["id"]!.GetValue<string>();

        var patches = customers.Select(c => t.Http.PatchJsonAsync($"/api/v1/customers/{c}", new { health_score = 30 }));
        (await Task.WhenAll(patches)).ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        await using var conn = await app.OwnerAsync();
        await Eventually.GetAsync(async () =>
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic = 'domain_events.dispatch' AND processed_at IS NULL AND dead_at IS NULL", conn);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }, n => n == 0, TimeSpan.FromSeconds(60), "every event to be evaluated");
        (await t.Http.GetJsonAsync($"/api/v1/trigger_events?trigger_id={capped}&limit=100")).Json!["data"]!.AsArray().Count.ShouldBe(5);
        (await t.Http.GetJsonAsync($"/api/v1/triggers/{capped}")).Json!["fire_count"]!.GetValue<int>().ShouldBe(5);
        (await t.Http.GetJsonAsync($"/api/v1/trigger_events?trigger_id={cooling}&limit=100")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_dry_run_says_whether_it_would_fire_and_which_conditions_matched_without_acting()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 90 });
        var id = (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "dry", condition = HealthBelow40, actions = new[] { new { type = "create_note", content = "x" } } })).Json!["id"]!.GetValue<string>();

        var yes = await t.Http.PostJsonAsync($"/api/v1/triggers/{id}/test", new { @event = new { type = "customer.updated", customer_id = customer, data = new { health_score = 25 }, previous = new { health_score = 90 } } });
        yes.Status.ShouldBe(HttpStatusCode.OK, yes.Json?.ToJsonString());
        yes.Json!["would_fire"]!.GetValue<bool>().ShouldBeTrue(yes.Json.ToJsonString());
        yes.Json["conditions"]!.AsArray().ShouldAllBe(c => c!["matched"]!.GetValue<bool>());

        var no = await t.Http.PostJsonAsync($"/api/v1/triggers/{id}/test", new { @event = new { type = "customer.updated", customer_id = customer, data = new { health_score = 60 }, previous = new { health_score = 90 } } });
        no.Json!["would_fire"]!.GetValue<bool>().ShouldBeFalse();
        no.Json["conditions"]!.AsArray().First()!["actual"]!.GetValue<int>().ShouldBe(60);
        (await t.Http.PostJsonAsync($"/api/v1/triggers/{id}/test", new { @event = new { data = new { } } })).ShouldBeProblem(422, "event.type");
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes?customer_id={customer}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        (await t.Http.GetJsonAsync($"/api/v1/triggers/{id}")).Json!["fire_count"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task Customer_and_conversation_actions_do_what_they_say()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/triggers", new
        {
            name = "new customer",
            condition = new { @event = "customer.created", any = new object[] { new { path = "entity.segment", op = "in", value = new[] { "enterprise", "mid_market" } } } },
            actions = new object[]
            {
                new { type = "create_risk_signal", signal_type = "onboarding_watch", severity = "medium" },
                new { type = "set_field", field = "stage", value = "onboarding" },
                new { type = "assign_csm", strategy = "least_accounts" },
                new { type = "create_note", content = "Welcome call booked" },
            },
        })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/triggers", new
        {
            name = "tag chats", condition = new { @event = "conversation.created" }, actions = new[] { new { type = "tag_conversation", tag = "vip" } },
        })).Status.ShouldBe(HttpStatusCode.Created);

        var ignored = await t.Http.CreateCustomerAsync(new { segment = "smb" });
        var customer = await t.Http.CreateCustomerAsync(new { segment = "enterprise" });
        var c = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/customers/{customer}"), r => r.Json!["csm_id"] is not null, TimeSpan.FromSeconds(30), "the CSM assignment");
        c.Json!["stage"]!.GetValue<string>().ShouldBe("onboarding");
        c.Json["csm_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        (await t.Http.GetJsonAsync($"/api/v1/risk_signals?customer_id={customer}")).Json!["data"]!.AsArray().Single()!["signal_type"]!.GetValue<string>().ShouldBe("onboarding_watch");
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes?customer_id={customer}")).Json!["data"]!.AsArray().Single()!["content"]!.GetValue<string>().ShouldBe("Welcome call booked");
        (await t.Http.GetJsonAsync($"/api/v1/customers/{ignored}")).Json!["csm_id"].ShouldBeNull();

        var conv = await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = customer });
        conv.Status.ShouldBe(HttpStatusCode.Created, conv.Json?.ToJsonString());
        var convId = conv.Json!["id"]!.GetValue<string>();
        var tags = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/conversation_tags?conversation_id={convId}"), r => r.Json!["data"]!.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the tag");
        tags.Json!["data"]!.AsArray().Single()!["tag"]!.GetValue<string>().ShouldBe("vip");
    }
}
