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

    [Fact]
    public async Task The_renewals_board_totals_agree_with_the_rows_and_a_dragged_card_changes_stage()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        const string window = "r.organization_id = $1 AND r.renewal_date BETWEEN current_date - 30 AND current_date + 365";
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync("/app/success/renewals?window=365");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Renewals", Level = 1 })).ToBeVisibleAsync();
        var arr = await DemoTenant.CountAsync(app, $"SELECT round(coalesce(sum(coalesce(r.current_arr, 0)), 0))::bigint FROM renewal_pipeline r JOIN customers c ON c.id = r.customer_id AND c.deleted_at IS NULL WHERE {window} AND r.stage <> 'churned'", org);
        (await page.Locator("#total-arr").InnerTextAsync()).ShouldBe(arr.ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture));
        var identified = await DemoTenant.CountAsync(app, $"SELECT count(*) FROM renewal_pipeline r JOIN customers c ON c.id = r.customer_id AND c.deleted_at IS NULL WHERE {window} AND r.stage = 'identified'", org);
        (await page.Locator("[data-stage=identified] .board-card").CountAsync()).ShouldBe((int)identified);
        await app.CheckPageAsync(cp, "success-renewals-board");

        // Drag a renewal that is not yet in negotiation onto the negotiation column: the server moves it.
        await using var conn = await app.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"""
            SELECT r.id FROM renewal_pipeline r JOIN customers c ON c.id = r.customer_id AND c.deleted_at IS NULL
            WHERE {window} AND r.stage IN ('identified', 'engaged', 'proposal') ORDER BY r.renewal_date, r.id LIMIT 1
            """, conn);
        cmd.Parameters.AddWithValue(org);
        var id = (Guid)(await cmd.ExecuteScalarAsync())!;
        var before = await page.Locator("[data-stage=negotiation] .board-card").CountAsync();
        // Onto the column head: near the card, so nothing scrolls while the mouse button is down.
        await page.Locator($"#card-{id}").DragToAsync(page.Locator("[data-stage=negotiation] .board-col-head"));
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("moved to negotiation");
        await Assertions.Expect(page.Locator($"[data-stage=negotiation] #card-{id}")).ToBeVisibleAsync();
        (await page.Locator("[data-stage=negotiation] .board-card").CountAsync()).ShouldBe(before + 1);
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM renewal_pipeline WHERE organization_id = $1 AND id = $2 AND stage = 'negotiation'", org, id)).ShouldBe(1);
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action = 'update'", org, id)).ShouldBeGreaterThan(0);

        // A viewer sees the board without move controls, and a forged move is refused.
        using var viewer = await app.CookieClientAsync(demo.ViewerEmail);
        var html = await (await viewer.Http.GetAsync("/app/success/renewals")).Content.ReadAsStringAsync();
        html.ShouldNotContain("board-move");
        var forged = await viewer.PostFormAsync("/app/success/renewals?handler=Move", new() { ["id"] = id.ToString(), ["stage"] = "churned" }, "/app/success");
        ((int)forged.StatusCode).ShouldBe(403);
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM renewal_pipeline WHERE organization_id = $1 AND id = $2 AND stage = 'negotiation'", org, id)).ShouldBe(1);
    }

    [Fact]
    public async Task The_expansion_board_shows_each_opportunity_with_its_cause_and_the_open_pipeline_total()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync("/app/success/expansion");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Expansion", Level = 1 })).ToBeVisibleAsync();
        var open = await DemoTenant.CountAsync(app, "SELECT round(coalesce(sum(o.estimated_value), 0))::bigint FROM expansion_opportunities o JOIN customers c ON c.id = o.customer_id AND c.deleted_at IS NULL WHERE o.organization_id = $1 AND o.stage NOT IN ('closed_won', 'closed_lost')", org);
        (await page.Locator("#exp-open-value").InnerTextAsync()).ShouldBe(open.ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture));
        var detected = await DemoTenant.CountAsync(app, "SELECT count(*) FROM expansion_opportunities o JOIN customers c ON c.id = o.customer_id AND c.deleted_at IS NULL WHERE o.organization_id = $1 AND o.cause IS NOT NULL AND o.stage NOT IN ('closed_won', 'closed_lost')", org);
        // The demo's plans list their features (plans.included_features): an account using WhatsApp flows below the enterprise plan is detected.
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM expansion_opportunities WHERE organization_id = $1 AND cause = 'feature_beyond_plan' AND evidence::text LIKE '%whatsapp_flows%'", org)).ShouldBeGreaterThan(0);
        detected.ShouldBeGreaterThan(0); // the demo's full seats and growing usage, found by its own health computation
        (await page.Locator("#exp-detected").InnerTextAsync()).ShouldBe(detected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.Locator(".board-card").CountAsync()).ShouldBeGreaterThan(0);
        await app.CheckPageAsync(cp, "success-expansion-board");
    }

    [Fact]
    public async Task A_qbr_is_prepared_in_one_click_checked_against_the_rows_reviewed_and_shared()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
        var quarter = $"Q{(start.Month - 1) / 3 + 1} {start.Year}";
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync($"/app/success/qbrs?customer={demo.ShowcaseCustomer}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "QBRs", Level = 1 })).ToBeVisibleAsync();

        // A quarter that is not one: the form again with the field's message, nothing written.
        await page.GetByLabel("Quarter").FillAsync("Q9 2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prepare", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#quarter-error")).ToContainTextAsync("Q1 2027");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM qbrs WHERE organization_id = $1 AND customer_id = $2 AND prepared_at IS NOT NULL", org, demo.ShowcaseCustomer)).ShouldBe(0);

        await page.GetByLabel("Quarter").FillAsync(quarter);
        await page.GetByRole(AriaRole.Button, new() { Name = "Prepare", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"QBR {quarter}");
        await Assertions.Expect(page.Locator("#qbr-state")).ToHaveTextAsync("draft");
        var from = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var conversations = await DemoTenant.CountAsync(app, "SELECT count(*) FROM conversations WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND started_at >= $3 AND started_at < $4",
            org, demo.ShowcaseCustomer, from, from.AddMonths(3));
        (await page.Locator("#qbr-conversations").InnerTextAsync()).ShouldStartWith($"{conversations} ·");
        (await page.Locator("#qbr-actions li").CountAsync()).ShouldBeGreaterThan(0);
        await app.CheckPageAsync(cp, "success-qbr-draft");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the deck (PDF)" }).ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".pdf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark reviewed" }).ClickAsync();
        await Assertions.Expect(page.Locator("#qbr-state")).ToHaveTextAsync("reviewed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share the deck" }).ClickAsync();
        await Assertions.Expect(page.Locator("#qbr-state")).ToHaveTextAsync("shared");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM qbrs WHERE organization_id = $1 AND customer_id = $2 AND reviewed_by IS NOT NULL AND shared_at IS NOT NULL", org, demo.ShowcaseCustomer)).ShouldBe(1);
        await page.GotoAsync("/app/success/qbrs");
        await app.CheckPageAsync(cp, "success-qbrs");
    }
}
