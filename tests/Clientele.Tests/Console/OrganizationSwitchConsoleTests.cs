using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 13 item 1 in Chromium: the account menu's organization switcher (one login, several organizations).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OrganizationSwitchConsoleTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task The_account_menu_switches_between_the_logins_organizations_and_each_shows_only_its_rows()
    {
        var alpha = await App.SignupAsync("Alpha Switch Org");
        var beta = await App.SignupAsync("Beta Switch Org");
        await alpha.Http.CreateCustomerAsync(new { name = "Alpha Switch Customer" });
        await beta.Http.CreateCustomerAsync(new { name = "Beta Switch Customer" });
        // Alpha's owner is also a member of Beta: the same login (the row carries the login's password hash; the join itself is MultiOrganizationTests).
        await using (var conn = await App.OwnerAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("""
            INSERT INTO users (id, organization_id, email, name, role, password_hash)
            SELECT gen_random_uuid(), $1, email, name, 'member', password_hash FROM users WHERE id = $2
            """, conn))
        {
            cmd.Parameters.AddWithValue(beta.OrganizationId);
            cmd.Parameters.AddWithValue(alpha.UserId);
            await cmd.ExecuteNonQueryAsync();
        }

        await using var cp = await OpenAsync(alpha.Email, "/app/customers");
        var page = cp.Page;
        var org = page.Locator("header.topbar .org");
        var first = (await org.InnerTextAsync()).Trim();
        first.ShouldBeOneOf("Alpha Switch Org", "Beta Switch Org");
        var other = first == "Alpha Switch Org" ? "Beta Switch Org" : "Alpha Switch Org";
        await page.Locator(".user-menu summary").ClickAsync();
        await Assertions.Expect(page.Locator(".org-switch li[aria-current='true']")).ToContainTextAsync(first);
        await App.CheckPageAsync(cp, "organization-switcher");

        foreach (var (from, to) in new[] { (first, other), (other, first) })
        {
            if (!await page.Locator(".user-menu").EvaluateAsync<bool>("d => d.open")) await page.Locator(".user-menu summary").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = $"Switch to {to}" }).ClickAsync();
            await Assertions.Expect(org).ToHaveTextAsync(to);
            await page.GotoAsync("/app/customers");
            var mine = to.StartsWith("Alpha", StringComparison.Ordinal) ? "Alpha Switch Customer" : "Beta Switch Customer";
            var theirs = to.StartsWith("Alpha", StringComparison.Ordinal) ? "Beta Switch Customer" : "Alpha Switch Customer";
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = mine })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = theirs })).ToHaveCountAsync(0);
        }
        (await CountAsync("SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE lower(u.email) = lower($1) AND s.revoked_reason = 'switched organization'", alpha.Email)).ShouldBe(2);
    }
}
