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
        await page.GetByLabel("Comparison", new() { Exact = true }).SelectOptionAsync("lt");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync("");
        await page.GetByLabel("Do this").SelectOptionAsync("create_note");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ActionText-error")).ToBeVisibleAsync();
        await app.CheckPageAsync(cp, "automation-trigger-invalid");
        // A second condition row without its value: the error is on that row's value.
        await page.GetByLabel("Detail (message, note, playbook, tag or strategy)").FillAsync("Call them today");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync("40");
        await page.GetByLabel("Field 2").FillAsync("customer.mrr");
        await page.GetByLabel("Comparison 2").SelectOptionAsync("gte");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Value2-error")).ToContainTextAsync("condition 2");
        await page.GetByLabel("Value 2").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create trigger" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Trigger \"Health below 40\" created." })).ToBeVisibleAsync();
        var triggers = (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray();
        var leaves = triggers.Single()!["condition"]!["all"]!.AsArray();
        leaves.Count.ShouldBe(2);
        leaves[0]!["value"]!.GetValue<int>().ShouldBe(40);
        (leaves[1]!["path"]!.GetValue<string>(), leaves[1]!["op"]!.GetValue<string>(), leaves[1]!["value"]!.GetValue<int>()).ShouldBe(("customer.mrr", "gte", 500));

        // Edited in the same form: one trigger, its new name, threshold and match mode.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Health below 40" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-trigger-title")).ToHaveTextAsync("Edit trigger");
        (await page.GetByLabel("Value 2").InputValueAsync()).ShouldBe("500");
        await page.GetByLabel("Name").FillAsync("Health below 35");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync("35");
        await page.GetByLabel("any of them").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save trigger" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Trigger \"Health below 35\" saved." })).ToBeVisibleAsync();
        var edited = (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray().Single()!;
        edited["name"]!.GetValue<string>().ShouldBe("Health below 35");
        edited["condition"]!["any"]![0]!["value"]!.GetValue<int>().ShouldBe(35);
        edited["condition"]!.AsObject().ContainsKey("all").ShouldBeFalse();
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable Health below 35" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "disabled" })).ToBeVisibleAsync();
        (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]![0]!["enabled"]!.GetValue<bool>().ShouldBeFalse();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable Health below 35" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "enabled" })).ToBeVisibleAsync();

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
        // A workflow is paused and deleted from its row.
        await page.GotoAsync("/app/automation?tab=workflows");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause Ping" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Workflow \"Ping\" paused." })).ToBeVisibleAsync();
        page.Dialog += (_, d) => d.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Ping" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "deleted" })).ToBeVisibleAsync();
        (await t.Http.GetJsonAsync("/api/v1/workflows")).Json!["data"]!.AsArray().Select(w => w!["name"]!.GetValue<string>()).ShouldNotContain("Ping");

        // An endpoint subscribed in the console: a loopback URL is refused, a public one gets its secret once.
        await page.GotoAsync("/app/automation?tab=webhooks");
        await page.GetByLabel("URL").FillAsync("http://127.0.0.1:9/hook");
        await page.GetByLabel("Events (comma-separated: invoice.paid, customer.*, or *)").FillAsync("invoice.paid, customer.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(page.Locator("#EndpointUrl-error")).ToContainTextAsync("loopback");
        (await t.Http.GetJsonAsync("/api/v1/webhook_endpoints")).Json!["data"]!.AsArray().Count.ShouldBe(0);
        await page.GetByLabel("URL").FillAsync("https://hooks.example.com/clientele");
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        var secret = await page.Locator(".secret-value").InnerTextAsync();
        secret.Length.ShouldBeGreaterThan(20);
        var endpoint = (await t.Http.GetJsonAsync("/api/v1/webhook_endpoints")).Json!["data"]!.AsArray().Single()!;
        endpoint["events"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldBe(["invoice.paid", "customer.*"]);
        endpoint.ToJsonString().ShouldNotContain(secret); // never shown again
        await app.CheckPageAsync(cp, "automation-webhooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable https://hooks.example.com/clientele" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "disabled" })).ToBeVisibleAsync();
        (await t.Http.GetJsonAsync("/api/v1/webhook_endpoints")).Json!["data"]![0]!["enabled"]!.GetValue<bool>().ShouldBeFalse();
        cp.Problems.ShouldBeEmpty();
    }
}
