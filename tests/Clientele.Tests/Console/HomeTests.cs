using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Clientele.Tests.Console;

/// <summary>Issue 9 item 2 and the demo rule: home's numbers and charts agree with the rows, and the demo's rollups and plan agree with themselves.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HomeTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task The_demo_rollups_count_what_the_rows_hold_and_its_plan_allows_its_users_and_agents()
    {
        var demo = await App.DemoAsync();
        var org = demo.OrganizationId;
        (await CountAsync("SELECT coalesce(sum(total_conversations), 0) FROM daily_metrics WHERE organization_id = $1", org))
            .ShouldBe(await CountAsync("SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL", org));
        (await CountAsync("SELECT coalesce(sum(total_messages), 0) FROM daily_metrics WHERE organization_id = $1", org))
            .ShouldBe(await CountAsync("SELECT count(*) FROM messages WHERE organization_id = $1 AND deleted_at IS NULL", org));
        (await CountAsync("SELECT coalesce(sum(total_conversations), 0) FROM conversation_analytics WHERE organization_id = $1 AND channel IS NULL", org))
            .ShouldBe(await CountAsync("SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL", org));
        (await CountAsync("SELECT count(*) FROM users WHERE organization_id = $1 AND deleted_at IS NULL", org))
            .ShouldBeLessThanOrEqualTo(await CountAsync("SELECT max_users FROM organizations WHERE id = $1", org));
        (await CountAsync("SELECT count(*) FROM agents WHERE organization_id = $1 AND is_active", org))
            .ShouldBeLessThanOrEqualTo(await CountAsync("SELECT max_agents FROM organizations WHERE id = $1", org));
        (await CountAsync("SELECT total_used FROM message_credits WHERE organization_id = $1", org))
            .ShouldBe(await CountAsync("SELECT count(*) FROM messages WHERE organization_id = $1 AND role = 'assistant' AND coalesce(agent_name, '') <> 'human' AND deleted_at IS NULL", org));
    }

    [Fact]
    public async Task Home_shows_the_demo_numbers_from_the_rows_each_linking_to_its_list_and_draws_both_charts()
    {
        var demo = await App.DemoAsync();
        var org = demo.OrganizationId;
        await using var cp = await OpenAsync(demo.Email, "/app");
        var page = cp.Page;
        async Task Tile(string label, string href, string sql)
        {
            var tile = page.Locator(".tile").Filter(new() { Has = page.Locator(".tile-label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) });
            await Expect(tile).ToHaveAttributeAsync("href", href);
            (await tile.Locator(".tile-value").InnerTextAsync()).ShouldBe((await CountAsync(sql, org)).ToString(System.Globalization.CultureInfo.InvariantCulture), label);
        }
        await Tile("Open conversations", "/app/inbox?filter=all", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active");
        await Tile("Unassigned", "/app/inbox?filter=unassigned", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND assigned_to IS NULL");
        await Tile("Escalated", "/app/inbox?filter=escalated", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND status = 'escalated'");
        await Tile("Pending approvals", "/app/approvals", "SELECT count(*) FROM approvals WHERE organization_id = $1 AND status = 'pending'");
        await Tile("Hot leads", "/app/inbox?lead=hot", "SELECT count(*) FROM extractions e JOIN conversations c ON c.organization_id = e.organization_id AND c.id = e.conversation_id " +
            "WHERE e.organization_id = $1 AND e.is_latest AND e.lead_status_tag = 'Hot' AND c.is_active AND c.deleted_at IS NULL");
        // Chart.js drew on both canvases (a drawn chart registers itself on its canvas).
        foreach (var id in new[] { "chart-channels", "chart-replies" })
            (await page.EvaluateAsync<bool>($"() => !!Chart.getChart(document.getElementById('{id}'))")).ShouldBeTrue(id);
        await App.CheckPageAsync(cp, "home-demo");
        await page.SetViewportSizeAsync(390, 844);
        await App.CheckPageAsync(cp, "home-demo-phone");
    }
}
