using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Clientele.Tests.Console;

/// <summary>Issue 14: /app/reports shows the demo's rollups, which agree with its rows, in tiles, four charts and tables.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportsPageTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task The_reports_page_numbers_agree_with_the_rows_and_a_bad_range_shows_its_message()
    {
        var demo = await DemoAsync();
        var org = demo.Owner.OrganizationId;
        var today = DateOnly.FromDateTime(DateTime.UtcNow); // the demo organization keeps UTC
        var from = today.AddDays(-29);
        // Other console tests add conversations to the demo: roll the range up again first (what the hourly job does).
        var run = await demo.Owner.Http.PostAsJsonAsync("/api/v1/analytics/rollup", new { from = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        run.StatusCode.ShouldBe(HttpStatusCode.OK);

        const string InRange = "organization_id = $1 AND deleted_at IS NULL AND (started_at AT TIME ZONE 'UTC')::date BETWEEN $2 AND $3";
        var total = await CountAsync($"SELECT count(*) FROM conversations WHERE {InRange}", org, from, today);
        var resolved = await CountAsync($"SELECT count(*) FROM conversations WHERE {InRange} AND status = 'resolved'", org, from, today);
        var whatsapp = await CountAsync($"SELECT count(*) FROM conversations WHERE {InRange} AND channel = 'whatsapp'", org, from, today);
        total.ShouldBeGreaterThan(0);

        await using var cp = await OpenAsync(demo.ViewerEmail, "/app/reports");
        var page = cp.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reports", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Reports" })).ToHaveAttributeAsync("aria-current", "page");
        async Task<string> Tile(string label) =>
            await page.Locator(".tile").Filter(new() { Has = page.Locator(".tile-label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) })
                .Locator(".tile-value").InnerTextAsync();
        (await Tile("Conversations")).ShouldBe(total.ToString(CultureInfo.InvariantCulture));
        (await Tile("Resolution rate")).ShouldBe(Math.Round(resolved * 100m / total, 2).ToString(CultureInfo.InvariantCulture) + " %");
        var row = page.Locator("table tr").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "WhatsApp" }) });
        (await row.Locator("td[data-label='Conversations']").InnerTextAsync()).ShouldBe(whatsapp.ToString(CultureInfo.InvariantCulture));
        foreach (var id in new[] { "chart-volume", "chart-rates", "chart-response", "chart-cost" })
            (await page.EvaluateAsync<bool>($"() => !!Chart.getChart(document.getElementById('{id}'))")).ShouldBeTrue(id);
        // The demo's experiment (greeting_tone on the WhatsApp agent): each variant's assigned count is its ab_tests rows.
        var experiments = page.Locator("section[aria-labelledby='experiments-heading']");
        await Expect(experiments.GetByRole(AriaRole.Heading, new() { Name = "greeting_tone" })).ToBeVisibleAsync();
        foreach (var variant in new[] { "formal", "friendly" })
        {
            var shown = await experiments.Locator("tbody tr").Filter(new() { Has = page.Locator("th", new() { HasTextString = variant }) })
                .Locator("td[data-label='Assigned']").InnerTextAsync();
            shown.ShouldBe((await CountAsync("SELECT count(*) FROM ab_tests WHERE organization_id = $1 AND test_name = 'greeting_tone' AND variant = $2 AND deleted_at IS NULL",
                org, variant)).ToString(CultureInfo.InvariantCulture), variant);
        }
        await App.CheckPageAsync(cp, "reports-demo");
        await page.SetViewportSizeAsync(390, 844);
        await App.CheckPageAsync(cp, "reports-demo-phone");

        var bad = await page.GotoAsync("/app/reports?from=2026-02-01&to=2026-01-01&granularity=week");
        bad!.Status.ShouldBe(422);
        await Expect(page.Locator("#from-error")).ToContainTextAsync("must be on or before to");
        (await page.Locator(".tile").CountAsync()).ShouldBe(0);
        await App.CheckPageAsync(cp, "reports-bad-range");
    }
}
