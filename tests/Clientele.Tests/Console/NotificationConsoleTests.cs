using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

[Collection(ConsoleCollection.Name)]
public sealed class NotificationConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    private async Task NotifyAsync(Infrastructure.AppFixture.Tenant t, string category, string title)
    {
        await using var s = App.App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner, ActorType = "system" });
        await NotificationDispatcher.NotifyAsync(s, [t.UserId], [], "warning", category, title, $"{title}: what happened and what to do.", new JsonObject(), CancellationToken.None, "/app/inbox");
        await s.CommitAsync();
    }

    [Fact]
    public async Task The_bell_counts_live_and_the_page_marks_read_and_saves_preferences()
    {
        var t = await App.SignupAsync("Bell Works");
        await NotifyAsync(t, "conversation_escalated", "Ana Souza needs a person");
        await NotifyAsync(t, "lead_hot", "Hot lead: Bruno");
        await using var cp = await OpenAsync(t.Email, "/app/notifications");
        var page = cp.Page;
        var bell = page.Locator("#bell-badge");
        await Assertions.Expect(bell).ToContainTextAsync("2 unread");
        await Assertions.Expect(page.Locator(".notice")).ToHaveCountAsync(2);
        await App.CheckPageAsync(cp, "notifications");

        // Live: a new notification reaches the open page's bell through SSE (LISTEN/NOTIFY), no reload.
        await NotifyAsync(t, "approval_requested", "Approval needed: send email");
        await Assertions.Expect(bell).ToContainTextAsync("3 unread");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("3 notifications marked read.");
        await Assertions.Expect(bell).ToContainTextAsync("no unread notifications");
        (await CountAsync("SELECT count(*) FROM notifications WHERE user_id = $1 AND (NOT is_read OR read_at IS NULL)", t.UserId)).ShouldBe(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "All", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveCountAsync(3);
        await page.Locator(".notice", new() { HasText = "Hot lead: Bruno" }).GetByRole(AriaRole.Button, new() { Name = "Archive" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Archived.");
        await Assertions.Expect(page.Locator(".notice")).ToHaveCountAsync(2);

        await page.GetByLabel("Email for Hot leads").SelectOptionAsync("daily");
        await page.GetByLabel("Show Approvals waiting").UncheckAsync();
        await page.GetByLabel("Your time zone (digests arrive at 8:00 there)").SelectOptionAsync("Europe/Berlin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Preferences saved.");
        await Assertions.Expect(page.GetByLabel("Email for Hot leads")).ToHaveValueAsync("daily");
        await Assertions.Expect(page.GetByLabel("Show Approvals waiting")).Not.ToBeCheckedAsync();
        (await CountAsync("SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND notification_type = 'lead_hot' AND email_frequency = 'daily' AND email_enabled", t.UserId)).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND notification_type = 'approval_requested' AND NOT in_app_enabled", t.UserId)).ShouldBe(1);
        await Assertions.Expect(page.GetByLabel("Your time zone (digests arrive at 8:00 there)")).ToHaveValueAsync("Europe/Berlin");
        (await CountAsync("SELECT count(*) FROM users WHERE id = $1 AND preferences->>'timezone' = 'Europe/Berlin'", t.UserId)).ShouldBe(1);
        await App.CheckPageAsync(cp, "notifications-saved");

        // The preference holds: a new approval notice stays out of the console.
        await NotifyAsync(t, "approval_requested", "Approval needed: book a meeting");
        (await CountAsync("SELECT count(*) FROM notifications WHERE user_id = $1 AND title = 'Approval needed: book a meeting'", t.UserId)).ShouldBe(0);
    }
}
