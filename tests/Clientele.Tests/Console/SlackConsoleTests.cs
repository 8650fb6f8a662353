using Clientele.Tests.Fakes;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>/app/settings/slack in Chromium: Add to Slack through the fake's consent screen, channel and types with a field error, disconnect.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SlackConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task A_user_adds_Slack_chooses_a_channel_and_types_and_disconnects()
    {
        var t = await App.SignupAsync("Slack Works");
        var team = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        App.Slack.NextInstall = new FakeSlack.Install(team, "Slack Works HQ", "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());
        await using var cp = await OpenAsync(t.Email, "/app/settings/slack");
        var page = cp.Page;

        // Add to Slack → Slack's consent screen (the fake allows at once) → the callback → back here.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Slack connected");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Slack Works HQ");
        (await CountAsync("SELECT count(*) FROM slack_connections WHERE user_id = $1 AND team_id = $2", t.UserId, team)).ShouldBe(1);

        // A channel that is not one: the field says so and nothing is saved.
        await page.GetByLabel("Channel").FillAsync("general channel");
        await page.GetByLabel("Hot leads").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Slack settings" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ChannelId-error")).ToContainTextAsync("Slack channel id");
        await Assertions.Expect(page.GetByLabel("Hot leads")).ToBeCheckedAsync();
        (await CountAsync("SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND slack_enabled", t.UserId)).ShouldBe(0);

        await page.GetByLabel("Channel").FillAsync("#cs-team");
        await page.GetByLabel("Approvals waiting").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Slack settings" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Slack settings saved.");
        await Assertions.Expect(page.GetByLabel("Channel")).ToHaveValueAsync("#cs-team");
        await Assertions.Expect(page.GetByLabel("Hot leads")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Billing and dunning")).Not.ToBeCheckedAsync();
        (await CountAsync("SELECT count(*) FROM slack_connections WHERE user_id = $1 AND channel_id = '#cs-team'", t.UserId)).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND slack_enabled AND notification_type IN ('lead_hot', 'approval_requested')", t.UserId)).ShouldBe(2);
        await App.CheckPageAsync(cp, "slack-settings");

        await page.GetByRole(AriaRole.Button, new() { Name = "Disconnect Slack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Slack disconnected.");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" })).ToBeVisibleAsync();
        (await CountAsync("SELECT count(*) FROM slack_connections WHERE user_id = $1", t.UserId)).ShouldBe(0);
    }
}
