using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 11's console in Chromium: the CSM workbench and the customer's health explained, agreeing with the rows.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SuccessPagesTests(ConsoleFixture app)
{
    [Fact]
    public async Task The_workbench_lists_the_least_healthy_account_first_with_its_signal_renewals_and_save_plays()
    {
        var demo = await DemoTenant.GetAsync(app);
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync("/app/success");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer success", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Success" }).First).ToHaveAttributeAsync("aria-current", "page");

        // The first account is the one with the lowest stored health (what the demo's computation wrote).
        var lowest = await DemoTenant.CountAsync(app, """
            SELECT health_score::bigint FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND coalesce(stage, '') <> 'churned'
            ORDER BY health_score NULLS LAST, churn_risk DESC NULLS LAST, id LIMIT 1
            """, demo.Owner.OrganizationId);
        var firstRow = page.Locator("#accounts tbody tr").First;
        (await firstRow.Locator("td").Nth(1).InnerTextAsync()).Trim().ShouldBe(lowest.ToString());
        var openSignals = await DemoTenant.CountAsync(app, "SELECT least(count(*), 20) FROM risk_signals r JOIN customers c ON c.id = r.customer_id AND c.deleted_at IS NULL WHERE r.organization_id = $1 AND r.resolved_at IS NULL",
            demo.Owner.OrganizationId);
        (await page.Locator("#signals li").CountAsync()).ShouldBe((int)openSignals);
        var renewals = await DemoTenant.CountAsync(app, """
            SELECT count(*) FROM renewal_pipeline r JOIN customers c ON c.id = r.customer_id AND c.deleted_at IS NULL
            WHERE r.organization_id = $1 AND r.renewal_date BETWEEN current_date AND current_date + 90 AND r.stage NOT IN ('renewed', 'churned')
            """, demo.Owner.OrganizationId);
        (await page.Locator("#renewals tbody tr").CountAsync()).ShouldBe((int)Math.Min(20, renewals));
        (await page.Locator("#plays li").CountAsync()).ShouldBeGreaterThan(0);
        await app.CheckPageAsync(cp, "success-workbench");

        await page.GetByRole(AriaRole.Link, new() { Name = "My accounts" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "My accounts" })).ToHaveAttributeAsync("aria-current", "page");
        (await page.Locator("#accounts").InnerTextAsync()).ShouldContain("No customer has you as their CSM.");
        await app.CheckPageAsync(cp, "success-workbench-mine");
    }

    [Fact]
    public async Task The_customer_page_explains_the_health_score_with_components_and_evidence()
    {
        var demo = await DemoTenant.GetAsync(app);
        var api = (await demo.Owner.Http.GetJsonAsync($"/api/v1/customers/{demo.ShowcaseCustomer}/health")).Json!;
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync($"/app/customers/{demo.ShowcaseCustomer}#health");
        var section = page.Locator("#health");
        await Assertions.Expect(section.Locator(".health-summary")).ToContainTextAsync($"{api["score"]}/100");
        (await section.InnerTextAsync()).ShouldContain(api["summary"]!.GetValue<string>());
        (await section.Locator("tbody th[scope=row]").AllInnerTextsAsync()).ShouldBe(["usage", "support", "billing", "engagement", "seats"]);
        var billing = api["components"]!["billing"]!;
        if (billing["has_data"]!.GetValue<bool>())
            (await section.Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = "billing" }) }).InnerTextAsync())
                .ShouldContain(billing["evidence"]![0]!["fact"]!.GetValue<string>());
        await app.CheckPageAsync(cp, "customer-health-explained");
    }
}
