using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

[Collection(ConsoleCollection.Name)]
public sealed partial class TeamConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task An_owner_invites_a_colleague_who_joins_from_the_email_and_works_at_once()
    {
        var t = await App.SignupAsync("Northwind Crew");
        await using var cp = await OpenAsync(t.Email, "/app/team");
        var page = cp.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team", Exact = true })).ToBeVisibleAsync();
        await App.CheckPageAsync(cp, "team");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.Locator("#InviteEmail-error")).ToContainTextAsync("valid email");
        await App.CheckPageAsync(cp, "team-invite-error");

        var email = $"colleague-{Guid.NewGuid():N}@example.test";
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync(email);
        await Assertions.Expect(page.Locator("table[class*=table]").Last).ToContainTextAsync(email);
        await App.CheckPageAsync(cp, "team-invited");

        var raw = App.Smtp.To(email).Single().Raw;
        var mail = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
        var link = InviteLink().Match(mail.TextBody ?? "").Groups[1].Value;
        link.ShouldNotBeEmpty();

        await using var invitee = await App.PageAsync();
        await invitee.Page.GotoAsync(link);
        await Assertions.Expect(invitee.Page.GetByRole(AriaRole.Heading, new() { Name = "Join Northwind Crew" })).ToBeVisibleAsync();
        await App.CheckPageAsync(invitee, "invite-accept");
        await invitee.Page.GetByLabel("Your name").FillAsync("Kim Lee");
        await invitee.Page.GetByLabel("Password (8 characters or more)").FillAsync("a long enough secret");
        await invitee.Page.GetByRole(AriaRole.Button, new() { Name = "Join Northwind Crew" }).ClickAsync();
        await invitee.Page.WaitForURLAsync(new Regex("/app$"));
        // Working the next minute: the new admin opens the team page and sees themselves.
        await invitee.Page.GotoAsync("/app/team");
        await Assertions.Expect(invitee.Page.Locator("table").First).ToContainTextAsync("Kim Lee");
        await Assertions.Expect(invitee.Page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" })).ToBeVisibleAsync();
        (await CountAsync("SELECT count(*) FROM users WHERE organization_id = $1 AND email = $2 AND role = 'admin'", t.OrganizationId, email)).ShouldBe(1);
    }

    [GeneratedRegex(@"https?://[^/\s]+(/invite/[A-Za-z0-9_\-]+)")]
    private static partial Regex InviteLink();
}
