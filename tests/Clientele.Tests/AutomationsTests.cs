using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 5: automations from a sentence, read offline, previewed, then run by the trigger and workflow engines.</summary>
public sealed class AutomationsTests(AutomationFixture app) : IClassFixture<AutomationFixture>
{
    private static async Task<JsonNode> PreviewAsync(AppFixture.Tenant t, string sentence)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/automations/preview", new { nl_description = sentence });
        r.Status.ShouldBe(HttpStatusCode.OK, $"{sentence}: {r.Json?.ToJsonString()}");
        r.Json!["engine"]!.GetValue<string>().ShouldBe("builtin");
        return r.Json;
    }

    private static string[] Types(JsonNode p) => [.. p["steps"]!.AsArray().Select(s => s!["type"]!.GetValue<string>())];

    [Fact]
    public async Task Five_common_phrasings_are_read_offline_into_schedule_or_trigger_steps_and_scope()
    {
        var t = await app.SignupAsync();
        var weekly = await PreviewAsync(t, "Every Monday at 9 email me the customers whose health dropped below 50");
        weekly["type"]!.GetValue<string>().ShouldBe("scheduled");
        weekly["schedule"]!["cron"]!.GetValue<string>().ShouldBe("0 9 * * 1");
        Types(weekly).ShouldBe(["send_email"]);
        weekly["steps"]![0]!["to"]!.GetValue<string>().ShouldBe("owner");
        weekly["steps"]![0]!["customer_list"]!["value"]!.GetValue<int>().ShouldBe(50);
        weekly["scope"]!["customers"]!["health_score"]!["lt"]!.GetValue<int>().ShouldBe(50);

        var save = await PreviewAsync(t, "When a customer's health drops below 40, notify me and propose the save playbook");
        save["type"]!.GetValue<string>().ShouldBe("trigger");
        save["trigger"]!["event"]!.GetValue<string>().ShouldBe("customer.updated");
        save["trigger"]!["all"]![0]!["value"]!.GetValue<int>().ShouldBe(40);
        Types(save).ShouldBe(["notify", "propose_save_play"]);

        var daily = await PreviewAsync(t, "Every weekday at 5pm notify the admins to review the inbox");
        daily["schedule"]!["cron"]!.GetValue<string>().ShouldBe("0 17 * * 1-5");
        daily["steps"]![0]!["roles"]![0]!.GetValue<string>().ShouldBe("admin");
        daily["steps"]![0]!["message"]!.GetValue<string>().ShouldBe("review the inbox");

        var welcome = await PreviewAsync(t, "When a new enterprise customer is created, assign a CSM by least revenue and create a note 'Welcome call booked'");
        welcome["trigger"]!["event"]!.GetValue<string>().ShouldBe("customer.created");
        welcome["trigger"]!["all"]![0]!["value"]!.GetValue<string>().ShouldBe("enterprise");
        Types(welcome).ShouldBe(["assign_csm", "create_note"]);
        welcome["steps"]![0]!["strategy"]!.GetValue<string>().ShouldBe("least_revenue");
        welcome["steps"]![1]!["content"]!.GetValue<string>().ShouldBe("Welcome call booked");

        var escalated = await PreviewAsync(t, "When a conversation is escalated, tag it urgent and notify the owner");
        escalated["trigger"]!["event"]!.GetValue<string>().ShouldBe("conversation.escalated");
        Types(escalated).ShouldBe(["tag_conversation", "notify"]);
        escalated["steps"]![0]!["tag"]!.GetValue<string>().ShouldBe("urgent");

        var unread = await t.Http.PostJsonAsync("/api/v1/automations/preview", new { nl_description = "Every Monday at 9 bake a cake" });
        unread.ShouldBeProblem(422, "nl_description");
        unread.Json!["errors"]!["nl_description"]![0]!.GetValue<string>().ShouldContain("bake a cake");
    }

    [Fact]
    public async Task A_confirmed_sentence_becomes_a_trigger_that_fires_and_explains_itself()
    {
        var t = await app.SignupAsync();
        var created = await t.Http.PostJsonAsync("/api/v1/automations", new { nl_description = "When a customer's health drops below 40, notify me and propose the save playbook" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        created.Json!["enabled"]!.GetValue<bool>().ShouldBeFalse();
        created.Json["preview"]!["explanation"]!.AsArray().Count.ShouldBeGreaterThan(0);
        var id = created.Json["id"]!.GetValue<string>();
        (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray().ShouldBeEmpty(); // nothing runs before the confirmation

        var enabled = await t.Http.PostJsonAsync($"/api/v1/automations/{id}/enable", new { });
        enabled.Status.ShouldBe(HttpStatusCode.OK, enabled.Json?.ToJsonString());
        var triggerId = enabled.Json!["trigger"]!["trigger_id"]!.GetValue<string>();

        var customer = await t.Http.CreateCustomerAsync(new { health_score = 70 });
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 35 })).Status.ShouldBe(HttpStatusCode.OK);
        var fire = (await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/trigger_events?trigger_id={triggerId}"),
            r => r.Json!["data"]!.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the automation to fire")).Json!["data"]![0]!;
        fire["event_data"]!["matched"]!.AsArray().ShouldContain(m => m!["path"]!.GetValue<string>() == "customer.health_score" && m["actual"]!.GetValue<int>() == 35);
        (await t.Http.GetJsonAsync("/api/v1/approvals?action=save_play")).Json!["data"]!.AsArray().Single()!["status"]!.GetValue<string>().ShouldBe("pending");

        (await t.Http.PostJsonAsync($"/api/v1/automations/{id}/disable", new { })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.GetJsonAsync($"/api/v1/triggers/{triggerId}")).Json!["enabled"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task A_confirmed_schedule_becomes_a_time_based_workflow_whose_email_lists_the_customers_in_scope()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync(new { health_score = 30, name = "Low Health Ltd" });
        await t.Http.CreateCustomerAsync(new { health_score = 90, name = "Happy Inc" });
        var created = await t.Http.PostJsonAsync("/api/v1/automations", new { nl_description = "Every day at 9 email me the customers whose health dropped below 50" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        var enabled = await t.Http.PostJsonAsync($"/api/v1/automations/{created.Json!["id"]}/enable", new { });
        enabled.Status.ShouldBe(HttpStatusCode.OK, enabled.Json?.ToJsonString());
        var workflowId = enabled.Json!["schedule"]!["workflow_id"]!.GetValue<string>();
        var workflow = (await t.Http.GetJsonAsync($"/api/v1/workflows/{workflowId}")).Json!;
        workflow["trigger_type"]!.GetValue<string>().ShouldBe("time_based");
        (await t.Http.GetJsonAsync("/api/v1/scheduled_tasks?task_type=workflow")).Json!["data"]!.AsArray().Single()!["schedule"]!.GetValue<string>().ShouldBe("0 9 * * *");

        // Run it now rather than wait for 9:00: the same steps the schedule runs.
        var run = await t.Http.PostJsonAsync($"/api/v1/workflows/{workflowId}/run", new { });
        run.Status.ShouldBe(HttpStatusCode.Accepted);
        var mail = (await Eventually.GetAsync(() => Task.FromResult(app.Smtp.Messages.FirstOrDefault(m => m.RcptTo.Contains(t.Email))), m => m is not null, what: "the list email"))!;
        mail.Body.ShouldContain("Low Health Ltd");
        mail.Body.ShouldNotContain("Happy Inc");
    }
}
