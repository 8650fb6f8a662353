using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Webhooks;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 2: the actions that reach out (email, webhook), assignment by revenue, and sales activities.</summary>
public sealed class TriggerActionsTests(AutomationFixture app) : IClassFixture<AutomationFixture>
{
    private static async Task<JsonObject> FireAsync(AppFixture.Tenant t, string triggerId)
    {
        var r = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/trigger_events?trigger_id={triggerId}"),
            x => x.Json!["data"]!.AsArray().Count > 0, TimeSpan.FromSeconds(30), $"trigger {triggerId} to fire");
        return r.Json!["data"]!.AsArray().Single()!.AsObject();
    }

    private static async Task<string> TriggerAsync(AppFixture.Tenant t, object trigger)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/triggers", trigger);
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return r.Json!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Send_email_mails_the_customer_through_the_smtp_relay_with_its_placeholders_filled()
    {
        var t = await app.SignupAsync();
        var email = $"cfo-{Guid.NewGuid():N}@acme.test";
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 80, email, name = "Acme Corp" });
        var id = await TriggerAsync(t, new
        {
            name = "Check in", condition = new { @event = "customer.updated", all = new[] { new { path = "customer.health_score", op = "lt", value = 50 } } },
            actions = new[] { new { type = "send_email", to = "customer", subject = "How is it going, {{customer.name}}?", body = "Your health score is {{customer.health_score}}." } },
        });
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 45 })).Status.ShouldBe(HttpStatusCode.OK);
        var fire = await FireAsync(t, id);
        fire["success"]!.GetValue<bool>().ShouldBeTrue(fire.ToJsonString());
        var mail = (await Eventually.GetAsync(() => Task.FromResult(app.Smtp.Messages.FirstOrDefault(m => m.RcptTo.Contains(email))), m => m is not null, what: "the email"))!;
        mail.Header("Subject").ShouldBe("How is it going, Acme Corp?");
        mail.Body.ShouldContain("Your health score is 45.");
        (await t.Http.PostJsonAsync("/api/v1/triggers", new { name = "x", condition = new { @event = "customer.updated" }, actions = new[] { new { type = "send_email", to = "not an address", subject = "", body = "x" } } }))
            .ShouldBeProblem(422, "actions[0].to");
    }

    [Fact]
    public async Task Call_webhook_sends_a_signed_delivery_to_the_tenants_endpoint_naming_the_trigger()
    {
        var t = await app.SignupAsync();
        var endpoint = await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = app.Receiver.BaseUrl + "/from-trigger", events = new[] { "nothing.subscribed" } });
        endpoint.Status.ShouldBe(HttpStatusCode.Created, endpoint.Json?.ToJsonString());
        var secret = endpoint.Json!["secret"]!.GetValue<string>();
        var id = await TriggerAsync(t, new
        {
            name = "Tell the ERP", condition = new { @event = "customer.created" },
            actions = new[] { new { type = "call_webhook", endpoint_id = endpoint.Json["id"]!.GetValue<string>() } },
        });
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 60 });
        (await FireAsync(t, id))["actions_executed"]![0]!["delivery_id"].ShouldNotBeNull();
        var got = await Eventually.GetAsync(() => Task.FromResult(app.Receiver.Received.FirstOrDefault(r => r.Path == "/from-trigger" && r.Body.Contains(customer.ToString()))),
            r => r.Body is not null, TimeSpan.FromSeconds(30), "the webhook call");
        WebhookSignature.Verify(secret, got.Signature, got.Body, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow).ShouldBeTrue();
        var body = JsonNode.Parse(got.Body)!;
        body["source"]!["kind"]!.GetValue<string>().ShouldBe("trigger");
        body["source"]!["id"]!.GetValue<string>().ShouldBe(id);
        body["type"]!.GetValue<string>().ShouldBe("customer.created");
    }

    [Fact]
    public async Task Assign_by_least_revenue_picks_the_csm_with_the_least_mrr_under_care_not_the_fewest_accounts()
    {
        var t = await app.SignupAsync();
        var other = Guid.CreateVersion7();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("INSERT INTO users (id, organization_id, email, name, role) VALUES ($1, $2, $3, 'Second CSM', 'member')", conn))
        {
            cmd.Parameters.AddWithValue(other);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            cmd.Parameters.AddWithValue($"csm-{other:N}@clientele.test");
            await cmd.ExecuteNonQueryAsync();
        }
        // The owner cares for one big account; the other CSM for two small ones.
        await t.Http.CreateCustomerAsync(new { segment = "smb", mrr = 10000, csm_id = t.UserId });
        await t.Http.CreateCustomerAsync(new { segment = "smb", mrr = 100, csm_id = other });
        await t.Http.CreateCustomerAsync(new { segment = "smb", mrr = 100, csm_id = other });
        await TriggerAsync(t, new
        {
            name = "Balance revenue", condition = new { @event = "customer.created", all = new[] { new { path = "entity.segment", op = "eq", value = "enterprise" } } },
            actions = new[] { new { type = "assign_csm", strategy = "least_revenue" } },
        });
        var customer = await t.Http.CreateCustomerAsync(new { segment = "enterprise", mrr = 5000 });
        var c = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/customers/{customer}"), r => r.Json!["csm_id"] is not null, TimeSpan.FromSeconds(30), "the assignment");
        c.Json!["csm_id"]!.GetValue<string>().ShouldBe(other.ToString());
    }

    [Fact]
    public async Task Assign_round_robin_deals_new_customers_to_each_active_user_in_turn()
    {
        var t = await app.SignupAsync();
        var users = new List<Guid> { t.UserId };
        await using (var conn = await app.OwnerAsync())
            for (var i = 0; i < 2; i++)
            {
                var id = Guid.CreateVersion7();
                await using var cmd = new NpgsqlCommand("INSERT INTO users (id, organization_id, email, name, role) VALUES ($1, $2, $3, 'CSM', 'member')", conn);
                cmd.Parameters.AddWithValue(id);
                cmd.Parameters.AddWithValue(t.OrganizationId);
                cmd.Parameters.AddWithValue($"rr-{id:N}@clientele.test");
                await cmd.ExecuteNonQueryAsync();
                users.Add(id);
            }
        await TriggerAsync(t, new
        {
            name = "Share new accounts", condition = new { @event = "customer.created" },
            actions = new[] { new { type = "assign_csm", strategy = "round_robin" } },
        });
        var picks = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var customer = await t.Http.CreateCustomerAsync(new { segment = "smb" });
            var c = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/customers/{customer}"), r => r.Json!["csm_id"] is not null, TimeSpan.FromSeconds(30), "the assignment");
            picks.Add(Guid.Parse(c.Json!["csm_id"]!.GetValue<string>()));
        }
        // Each of the three in turn, twice: the rotation continues from the trigger's last pick.
        picks.Distinct().Count().ShouldBe(3);
        picks.Take(3).ShouldBe(picks.Skip(3));
        picks.ShouldAllBe(p => users.Contains(p));
    }

    [Fact]
    public async Task Create_activity_logs_a_sales_activity_on_the_deal_whose_stage_changed()
    {
        var t = await app.SignupAsync();
        var deal = await t.Http.PostJsonAsync("/api/v1/deals", new { name = "Big deal", stage = "qualification" });
        deal.Status.ShouldBe(HttpStatusCode.Created, deal.Json?.ToJsonString());
        var dealId = deal.Json!["id"]!.GetValue<string>();
        var id = await TriggerAsync(t, new
        {
            name = "Proposal follow-up", condition = new { @event = "deals.updated", all = new[] { new { path = "entity.stage", op = "changed_to", value = "proposal" } } },
            actions = new[] { new { type = "create_activity", activity_type = "follow_up", subject = "Follow up on the proposal", due_in_days = 2 } },
        });
        (await t.Http.PatchJsonAsync($"/api/v1/deals/{dealId}", new { stage = "proposal" })).Status.ShouldBe(HttpStatusCode.OK);
        var fire = await FireAsync(t, id);
        fire["success"]!.GetValue<bool>().ShouldBeTrue(fire.ToJsonString());
        var activity = (await t.Http.GetJsonAsync($"/api/v1/sales_activities?deal_id={dealId}")).Json!["data"]!.AsArray().Single()!;
        activity["activity_type"]!.GetValue<string>().ShouldBe("follow_up");
        activity["subject"]!.GetValue<string>().ShouldBe("Follow up on the proposal");
    }
}
