using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Clientele.Tests.Console;

/// <summary>Issue 9 item 2 and the demo rule: home's numbers and charts agree with the rows, and the demo's rollups and plan agree with themselves.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HomeTests(ConsoleFixture app)
{
    private async Task<long> CountAsync(Guid org, string sql)
    {
        await using var c = await app.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        cmd.Parameters.AddWithValue(org);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_demo_rollups_count_what_the_rows_hold_and_its_plan_allows_its_users_and_agents()
    {
        var demo = await app.DemoAsync();
        var org = demo.OrganizationId;
        (await CountAsync(org, "SELECT coalesce(sum(total_conversations), 0) FROM daily_metrics WHERE organization_id = $1"))
            .ShouldBe(await CountAsync(org, "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL"));
        (await CountAsync(org, "SELECT coalesce(sum(total_messages), 0) FROM daily_metrics WHERE organization_id = $1"))
            .ShouldBe(await CountAsync(org, "SELECT count(*) FROM messages WHERE organization_id = $1 AND deleted_at IS NULL"));
        (await CountAsync(org, "SELECT coalesce(sum(total_conversations), 0) FROM conversation_analytics WHERE organization_id = $1 AND channel IS NULL"))
            .ShouldBe(await CountAsync(org, "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL"));
        (await CountAsync(org, "SELECT count(*) FROM users WHERE organization_id = $1 AND deleted_at IS NULL"))
            .ShouldBeLessThanOrEqualTo(await CountAsync(org, "SELECT max_users FROM organizations WHERE id = $1"));
        (await CountAsync(org, "SELECT count(*) FROM agents WHERE organization_id = $1 AND is_active"))
            .ShouldBeLessThanOrEqualTo(await CountAsync(org, "SELECT max_agents FROM organizations WHERE id = $1"));
        (await CountAsync(org, "SELECT total_used FROM message_credits WHERE organization_id = $1"))
            .ShouldBe(await CountAsync(org, "SELECT count(*) FROM messages WHERE organization_id = $1 AND role = 'assistant' AND coalesce(agent_name, '') <> 'human' AND deleted_at IS NULL"));
    }

    [Fact]
    public async Task Home_shows_the_demo_numbers_from_the_rows_each_linking_to_its_list_and_draws_both_charts()
    {
        var demo = await app.DemoAsync();
        var org = demo.OrganizationId;
        await using var cp = await app.PageAsync(demo.Email);
        var page = cp.Page;
        await page.GotoAsync("/app");
        async Task Tile(string label, string href, string sql)
        {
            var tile = page.Locator(".tile").Filter(new() { Has = page.Locator(".tile-label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) });
            await Expect(tile).ToHaveAttributeAsync("href", href);
            (await tile.Locator(".tile-value").InnerTextAsync()).ShouldBe((await CountAsync(org, sql)).ToString(System.Globalization.CultureInfo.InvariantCulture), label);
        }
        await Tile("Open conversations", "/app/inbox?filter=all", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active");
        await Tile("Unassigned", "/app/inbox?filter=unassigned", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND assigned_to IS NULL");
        await Tile("Escalated", "/app/inbox?filter=escalated", "SELECT count(*) FROM conversations WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND status = 'escalated'");
        await Tile("Pending approvals", "/app/approvals", "SELECT count(*) FROM approvals WHERE organization_id = $1 AND status = 'pending'");
        await Tile("Hot leads", "/app/inbox?lead=hot", "SELECT count(*) FROM extractions WHERE organization_id = $1 AND is_latest AND lead_status_tag = 'Hot'");
        // Chart.js drew on both canvases (a drawn chart registers itself on its canvas).
        foreach (var id in new[] { "chart-channels", "chart-replies" })
            (await page.EvaluateAsync<bool>($"() => !!Chart.getChart(document.getElementById('{id}'))")).ShouldBeTrue(id);
        await app.CheckPageAsync(cp, "home-demo");
        await page.SetViewportSizeAsync(390, 844);
        await app.CheckPageAsync(cp, "home-demo-phone");
    }
}
