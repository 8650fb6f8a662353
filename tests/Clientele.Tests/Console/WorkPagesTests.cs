using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 9 items 6-8 in Chromium: the approvals queue (with the race), agents, settings (API keys shown once), and what a viewer may do.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class WorkPagesTests(ConsoleFixture app) : ConsoleTests(app)
{
    /// <summary>A pending copilot proposal (apply_credit) about the demo's showcase customer, made through the copilot API.</summary>
    private static async Task<string> ProposeCreditAsync(DemoTenant demo, int amount)
    {
        var h = demo.Owner.Http;
        var session = await h.PostJsonAsync("/api/v1/agent_sessions", new { customer_id = demo.ShowcaseCustomer });
        session.Status.ShouldBe(HttpStatusCode.Created, session.Json?.ToJsonString());
        var answer = await h.PostJsonAsync($"/api/v1/agent_sessions/{session.Json!["id"]!.GetValue<string>()}/messages",
            new { content = $"Apply a ${amount} credit for the outage" });
        var approval = answer.Json!["approvals"]!.AsArray().Single(a => a!["action"]!.GetValue<string>() == "apply_credit")!;
        return approval["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_member_approves_a_pending_copilot_action_and_a_second_decision_shows_who_decided_first()
    {
        var demo = await DemoAsync();
        var first = await ProposeCreditAsync(demo, 40);
        var second = await ProposeCreditAsync(demo, 60);
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/approvals");
        var page = cp.Page;
        var card = page.Locator($"#approval-{first}");
        (await card.InnerTextAsync()).ShouldContain("Apply credit");
        (await card.Locator("details.evidence summary", new() { HasText = "Evidence" }).CountAsync()).ShouldBe(1);
        await App.CheckPageAsync(cp, "approvals");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator($"#approval-{first} .flash").WaitForAsync();
        (await page.Locator($"#approval-{first} .flash").InnerTextAsync()).ShouldBe("Approved: the action ran.");
        (await demo.Owner.Http.GetJsonAsync($"/api/v1/approvals/{first}")).Json!["status"]!.GetValue<string>().ShouldBe("executed");

        // Someone else decides the second one while this page still shows its buttons.
        (await page.Locator($"#approval-{second} button", new() { HasText = "Reject" }).CountAsync()).ShouldBe(1);
        (await demo.Owner.Http.PostJsonAsync($"/api/v1/approvals/{second}/reject", new { comment = "Already credited last week" })).Status.ShouldBe(HttpStatusCode.OK);
        await page.Locator($"#approval-{second}").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var told = page.Locator($"#approval-{second} .flash.error");
        await told.WaitForAsync();
        (await told.InnerTextAsync()).ShouldStartWith("Already rejected by Olivia Owner");
        (await demo.Owner.Http.GetJsonAsync($"/api/v1/approvals/{second}")).Json!["status"]!.GetValue<string>().ShouldBe("rejected");
        cp.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Rejecting_without_a_comment_comes_back_with_the_fields_message()
    {
        var demo = await DemoAsync();
        var id = await ProposeCreditAsync(demo, 25);
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/approvals");
        await cp.Page.Locator($"#approval-{id}").GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        (await cp.Page.Locator($"#approval-{id} #Comment-error").InnerTextAsync()).ShouldContain("required");
        (await demo.Owner.Http.GetJsonAsync($"/api/v1/approvals/{id}")).Json!["status"]!.GetValue<string>().ShouldBe("pending");
        await cp.Page.Locator($"#approval-{id} textarea").FillAsync("Not for this outage");
        await cp.Page.Locator($"#approval-{id}").GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await cp.Page.Locator($"#approval-{id} .flash.ok").WaitForAsync();
        (await demo.Owner.Http.GetJsonAsync($"/api/v1/approvals/{id}")).Json!["comment"]!.GetValue<string>().ShouldBe("Not for this outage");
    }

    [Fact]
    public async Task An_admin_creates_an_api_key_that_is_shown_once_and_works_then_revokes_it()
    {
        var demo = await DemoAsync();
        await using var cp = await App.PageAsync(demo.Owner.Email);
        var page = cp.Page;
        page.Dialog += (_, d) => _ = d.AcceptAsync();
        await page.GotoAsync("/app/settings/api-keys");
        await page.GetByLabel("Name").FillAsync("Browser test key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await page.Locator("#new-key-value").InputValueAsync();
        key.ShouldStartWith("clt_live_");
        await App.CheckPageAsync(cp, "settings-api-keys");
        using var withKey = App.Client(key);
        (await withKey.GetAsync("/api/v1/customers?limit=1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await page.GotoAsync("/app/settings/api-keys");
        (await page.ContentAsync()).ShouldNotContain(key); // shown once
        var row = page.Locator("tr", new() { HasText = "Browser test key" });
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Revoke") }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        (await page.Locator("tr", new() { HasText = "Browser test key" }).InnerTextAsync()).ShouldContain("revoked");
        (await withKey.GetAsync("/api/v1/customers?limit=1")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_viewer_sees_no_write_controls_and_a_forged_post_is_403()
    {
        var demo = await DemoAsync();
        var pending = await ProposeCreditAsync(demo, 15);
        await using var cp = await App.PageAsync(demo.ViewerEmail);
        var page = cp.Page;
        foreach (var (url, name) in new[] { ($"/app/customers/{demo.ShowcaseCustomer}", "viewer-customer"), ("/app/approvals", "viewer-approvals"),
                     ("/app/agents", "viewer-agents"), ("/app/settings", "viewer-settings"), ("/app/settings/channels", "viewer-channels"), ("/app/settings/team", "viewer-team") })
        {
            await page.GotoAsync(url);
            (await page.Locator("main form[method='post']").CountAsync()).ShouldBe(0, $"{url} shows a write form to a viewer");
            (await page.Locator("main button", new() { HasText = "Approve" }).CountAsync()).ShouldBe(0);
            await App.CheckPageAsync(cp, name);
        }
        using var viewer = await App.CookieClientAsync(demo.ViewerEmail);
        var forged = new (string Url, Dictionary<string, string> Form)[]
        {
            ("/app/approvals?handler=decide", new() { ["ApprovalId"] = pending, ["Decision"] = "approve" }),
            ($"/app/customers/{demo.ShowcaseCustomer}?handler=note", new() { ["NoteContent"] = "forged", ["NoteType"] = "general" }),
            ($"/app/customers/{demo.ShowcaseCustomer}?handler=ask", new() { ["Question"] = "forged" }),
            ("/app/settings?handler=profile", new() { ["Name"] = "Forged" }),
            ("/app/settings/team?handler=role", new() { ["UserId"] = demo.Owner.UserId.ToString(), ["Role"] = "viewer" }),
            ("/app/settings/channels?handler=add", new() { ["Platform"] = "webchat", ["Identifier"] = "forged" }),
            ("/app/agents?handler=save", new() { ["AgentId"] = Guid.NewGuid().ToString(), ["Specialty"] = "sales", ["EscalationConfidence"] = "0.3" }),
        };
        foreach (var (url, form) in forged)
        {
            var res = await viewer.PostFormAsync(url, form, formPage: "/app/customers");
            res.StatusCode.ShouldBe(HttpStatusCode.Forbidden, url);
        }
        (await demo.Owner.Http.GetJsonAsync($"/api/v1/approvals/{pending}")).Json!["status"]!.GetValue<string>().ShouldBe("pending");
        (await CountAsync("SELECT count(*) FROM customer_notes WHERE organization_id = $1 AND content = 'forged'", demo.Owner.OrganizationId)).ShouldBe(0);
    }

    [Fact]
    public async Task Admins_edit_agents_channels_roles_and_the_profile_with_field_messages_on_bad_input()
    {
        var demo = await DemoAsync();
        await using var cp = await OpenAsync(demo.Owner.Email, "/app/agents");
        var page = cp.Page;
        (await page.Locator("table tbody tr").CountAsync()).ShouldBeGreaterThan(0);
        await App.CheckPageAsync(cp, "agents");
        var firstRow = page.Locator("table tbody tr").First;
        await firstRow.Locator("summary").ClickAsync();
        await firstRow.GetByLabel("Temperature (0–2)").FillAsync("hot");
        await firstRow.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        (await page.Locator("#Temperature-error").InnerTextAsync()).ShouldContain("from 0 to 2");
        await page.Locator("table tbody tr details[open]").GetByLabel("Temperature (0–2)").FillAsync("0.4");
        await page.Locator("table tbody tr details[open]").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();

        await page.GotoAsync("/app/settings/channels");
        var snippet = page.Locator("textarea[id^='snippet-']").First;
        (await snippet.InputValueAsync()).ShouldContain("/widget.js\" data-channel=\"pk_");
        (await page.ContentAsync()).ShouldNotContain("EAAG"); // no token is ever rendered
        await App.CheckPageAsync(cp, "settings-channels");
        await page.GetByLabel("Channel", new() { Exact = true }).SelectOptionAsync("whatsapp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add channel" }).ClickAsync();
        (await page.Locator("#Identifier-error").InnerTextAsync()).ShouldNotBeEmpty();
        (await page.Locator("#AccessToken-error").InnerTextAsync()).ShouldContain("access token");

        await page.GotoAsync("/app/settings/team");
        await App.CheckPageAsync(cp, "settings-team");
        var me = page.Locator($"#member-{demo.Owner.UserId}");
        await me.Locator("select").SelectOptionAsync("admin");
        await me.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Change") }).ClickAsync();
        (await page.Locator("#Role-error").InnerTextAsync()).ShouldContain("last active owner");

        await page.GotoAsync("/app/settings");
        await App.CheckPageAsync(cp, "settings");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        (await page.Locator("#Name-error").InnerTextAsync()).ShouldContain("required");
    }
}
