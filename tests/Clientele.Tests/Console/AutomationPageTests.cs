using System.Net;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 15's console: /app/automation in Chromium, with axe on each tab state.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AutomationPageTests(ConsoleFixture app)
{
    [Fact]
    public async Task A_csm_creates_a_trigger_in_the_form_dry_runs_it_and_sees_workflow_runs_schedules_and_webhooks()
    {
        var t = await app.SignupAsync();
        await using var cp = await app.PageAsync(t.Email);
        var page = cp.Page;
        await page.GotoAsync("/app/automation");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Automation", Exact = true })).ToBeVisibleAsync();
        await app.CheckPageAsync(cp, "automation-triggers-empty");

        // A bad value comes back with the field's message; then a good trigger is created.
        await page.GetByLabel("Name").FillAsync("Health below 40");
        await page.GetByLabel("Comparison").SelectOptionAsync("lt");
        await page.GetByLabel("Value").FillAsync("");
        await page.GetByLabel("Do this").SelectOptionAsync("create_note");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ActionText-error")).ToBeVisibleAsync();
        await app.CheckPageAsync(cp, "automation-trigger-invalid");
        await page.GetByLabel("Detail (message, note, playbook, tag or strategy)").FillAsync("Call them today");
        await page.GetByLabel("Value").FillAsync("40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Trigger \"Health below 40\" created." })).ToBeVisibleAsync();
        var triggers = (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray();
        triggers.Single()!["condition"]!["all"]![0]!["value"]!.GetValue<int>().ShouldBe(40);

        await page.GetByLabel("Health after").FillAsync("25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        await Assertions.Expect(page.Locator(".dry-run")).ToContainTextAsync("would fire");
        await app.CheckPageAsync(cp, "automation-dry-run");

        // A workflow run with its step log, and the sentence preview.
        var wf = await t.Http.PostJsonAsync("/api/v1/workflows", new { name = "Ping", trigger_type = "manual", actions = new[] { new { type = "notify", owner = true } } });
        wf.Status.ShouldBe(HttpStatusCode.Created);
        await page.GotoAsync("/app/automation?tab=workflows");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now Ping" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Run started." })).ToBeVisibleAsync();
        await Eventually.GetAsync(() => t.Http.GetJsonAsync("/api/v1/workflow_executions?status=completed"), r => r.Json!["data"]!.AsArray().Count == 1, TimeSpan.FromSeconds(30), "the run");
        await page.GotoAsync("/app/automation?tab=workflows");
        await page.GetByText("Step log (1)").ClickAsync();
        await Assertions.Expect(page.Locator(".executions")).ToContainTextAsync("notify: succeeded");
        await app.CheckPageAsync(cp, "automation-workflows");

        await page.GotoAsync("/app/automation?tab=sentence");
        await page.GetByLabel("Automation", new() { Exact = true }).FillAsync("Every Monday at 9 email me the customers whose health dropped below 50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-title")).ToContainTextAsync("scheduled");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("0 9 * * 1");
        await app.CheckPageAsync(cp, "automation-sentence-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Automation enabled" })).ToBeVisibleAsync();

        await page.GotoAsync("/app/automation?tab=schedules");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("0 9 * * 1");
        await app.CheckPageAsync(cp, "automation-schedules");
        await page.GotoAsync("/app/automation?tab=webhooks");
        await app.CheckPageAsync(cp, "automation-webhooks");
        cp.Problems.ShouldBeEmpty();
    }
}
