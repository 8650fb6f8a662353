using System.Globalization;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Sales;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 12's console in Chromium: the pipeline board (totals agree with the rows, drag to move), the deal page's timeline, the lead page's score and actions.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SalesPagesTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task The_board_totals_agree_with_the_rows_and_dragging_a_card_moves_the_deal()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        var deal = await h.DealAsync(new { name = "Board test deal", value = 1234m, stage = "qualification", expected_close_date = DateTime.UtcNow.AddDays(30), customer_id = await h.CreateCustomerAsync() });
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/pipeline");
        var page = cp.Page;
        var api = await h.GetOkAsync("/api/v1/deals/pipeline");
        foreach (var node in api["stages"]!.AsArray())
        {
            var st = node!;
            var col = page.Locator($".board-col[data-stage={st.Str("stage")}]");
            (await col.Locator(".deal-card").CountAsync()).ShouldBe(st.Int("count"), st.Str("stage"));
            decimal.Parse((await col.Locator(".total").GetAttributeAsync("data-total"))!, CultureInfo.InvariantCulture).ShouldBe(st.Dec("value"));
            decimal.Parse((await col.Locator(".weighted").GetAttributeAsync("data-weighted"))!, CultureInfo.InvariantCulture).ShouldBe(st.Dec("weighted_value"));
        }
        await App.CheckPageAsync(cp, "pipeline");
        // All six columns fit at 1280 px: nothing scrolls sideways, Lost is on screen.
        (await page.EvaluateAsync<bool>("() => { const b = document.querySelector('.board'); return b.scrollWidth <= b.clientWidth + 1; }")).ShouldBeTrue();
        (await page.EvaluateAsync<bool>("() => document.querySelector('.board-col[data-stage=closed_lost]').getBoundingClientRect().right <= window.innerWidth")).ShouldBeTrue();

        await page.Locator($"#deal-{deal}").DragToAsync(page.Locator(".board-col[data-stage=proposal] .board-cards"));
        var moved = await Eventually.GetAsync(() => h.GetOkAsync($"/api/v1/deals/{deal}"), d => d.Str("stage") == "proposal", what: "the dragged deal in proposal");
        moved.Int("probability").ShouldBe(50);
        await page.Locator($".board-col[data-stage=proposal] #deal-{deal}").WaitForAsync();

        // The card's form: Lost without a reason is refused and changes nothing.
        var card = page.Locator($"#deal-{deal}");
        await card.Locator("summary").ClickAsync();
        await card.Locator("select").SelectOptionAsync("closed_lost");
        await card.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await page.Locator("#board-status .flash.error").WaitForAsync();
        (await page.Locator("#board-status").InnerTextAsync()).ShouldContain("lost reason");
        (await h.GetOkAsync($"/api/v1/deals/{deal}")).Str("stage").ShouldBe("proposal");

        await page.GotoAsync($"/app/deals/{deal}");
        (await page.Locator("#timeline-heading + ol").InnerTextAsync()).ShouldContain("Stage: qualification → proposal");

        // A quote from the deal page: a bad number is refused with its message and saves nothing; a good
        // line is a draft with the server's total; Send numbers it and mails it (the fixture's SMTP sink).
        await page.Locator("input[name=line_description]").First.FillAsync("Premium plan");
        await page.Locator("input[name=line_quantity]").First.FillAsync("two");
        await page.Locator("input[name=line_unit_price]").First.FillAsync("120");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft quote" }).ClickAsync();
        await page.Locator("#line_items-error").WaitForAsync();
        (await h.CountAsync($"quotes?deal_id={deal}")).ShouldBe(0);
        await page.Locator("input[name=line_quantity]").First.FillAsync("2");
        await page.Locator("input[name=line_discount]").First.FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft quote" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        var quote = (await h.GetOkAsync($"/api/v1/quotes?deal_id={deal}"))["data"]!.AsArray().Single()!;
        quote.Dec("total_amount").ShouldBe(216m);
        (await page.Locator("#quotes-heading + .table-scroll").InnerTextAsync()).ShouldContain("216.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        var number = (await h.GetOkAsync($"/api/v1/quotes/{quote.Str("id")}")).Str("quote_number");
        (await page.Locator("#quotes-heading + .table-scroll").InnerTextAsync()).ShouldContain(number);
        await App.CheckPageAsync(cp, "deal");
        await page.GotoAsync("/app/pipeline?view=table");
        (await page.Locator(".card.flush table tbody tr").CountAsync()).ShouldBe(api["stages"]!.AsArray().Sum(s => s!.Int("count")));
        cp.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_lead_page_explains_the_score_and_moves_and_converts_the_lead()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        var email = $"page-{Guid.NewGuid():N}@lead.example";
        var lead = await h.LeadAsync(new { name = "Page Lead", email, company = "Leadco", budget = "yes", need_score = 0.5m });
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/leads/{lead}");
        var page = cp.Page;
        var score = await h.GetOkAsync($"/api/v1/leads/{lead}/score");
        (await page.Locator("#score-heading").InnerTextAsync()).ShouldContain(score.Int("score").ToString(CultureInfo.InvariantCulture));
        (await page.Locator(".score-parts tbody tr").CountAsync()).ShouldBe(6);
        await App.CheckPageAsync(cp, "lead");

        await page.GetByRole(AriaRole.Button, new() { Name = "Move to Marketing qualified" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        (await h.GetOkAsync($"/api/v1/leads/{lead}")).Str("qualification_status").ShouldBe("mql");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disqualify" }).ClickAsync();
        await page.Locator("#Reason-error").WaitForAsync();
        (await h.GetOkAsync($"/api/v1/leads/{lead}")).Str("qualification_status").ShouldBe("mql");

        await page.Locator("#DealValue").FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert to customer" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        var converted = await h.GetOkAsync($"/api/v1/leads/{lead}");
        converted.Str("qualification_status").ShouldBe("converted");
        (await h.GetOkAsync($"/api/v1/deals?lead_id={lead}"))["data"]!.AsArray().Single()!.Dec("value").ShouldBe(5000m);
        (await page.Locator("#timeline-heading + ol").InnerTextAsync()).ShouldContain("Qualification: mql → converted");

        await page.GotoAsync("/app/leads");
        (await page.Locator("table").InnerTextAsync()).ShouldContain("Page Lead");
        await App.CheckPageAsync(cp, "leads");
        cp.Problems.ShouldBeEmpty();

        await using var viewer = await OpenAsync(demo.ViewerEmail, $"/app/leads/{lead}");
        (await viewer.Page.Locator("#actions-heading").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_deal_page_logs_an_activity_with_field_messages_and_completes_an_overdue_one_which_the_lead_page_shows_too()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        var lead = await h.LeadAsync(new { name = "Activity Lead", email = $"act-{Guid.NewGuid():N}@lead.example" });
        var deal = await h.DealAsync(new { name = "Activity deal", value = 800m, lead_id = lead });
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/deals/{deal}");
        var page = cp.Page;

        // Neither a time nor Done: the form says what is missing and nothing is saved.
        await page.Locator("#activity-subject").FillAsync("Pricing call");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log activity" }).ClickAsync();
        await page.Locator("[id='Activity.At-error']").WaitForAsync();
        (await page.Locator("#activity-at").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await h.GetOkAsync($"/api/v1/sales_activities?deal_id={deal}"))["data"]!.AsArray().Count.ShouldBe(0);

        // Scheduled an hour ago: on the timeline as overdue, with a Complete button.
        await page.Locator("#activity-type").SelectOptionAsync("call");
        await page.Locator("#activity-subject").FillAsync("Pricing call");
        await page.Locator("#activity-at").FillAsync(DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log activity" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        var row = (await h.GetOkAsync($"/api/v1/sales_activities?deal_id={deal}"))["data"]!.AsArray().Single()!;
        row.Str("activity_type").ShouldBe("call");
        row["is_overdue"]!.GetValue<bool>().ShouldBeTrue();
        row["performed_by"].ShouldNotBeNull();
        (await page.Locator("#timeline-heading + ol").InnerTextAsync()).ShouldContain("overdue");
        await App.CheckPageAsync(cp, "deal-activity");

        await page.GetByLabel("Outcome of Call: Pricing call").FillAsync("agreed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete Call: Pricing call" }).ClickAsync();
        await page.Locator(".flash.ok").WaitForAsync();
        var done = await h.GetOkAsync($"/api/v1/sales_activities/{row.Str("id")}");
        done["is_completed"]!.GetValue<bool>().ShouldBeTrue();
        done.Str("outcome").ShouldBe("agreed");
        (await page.Locator("#timeline-heading + ol").InnerTextAsync()).ShouldNotContain("overdue");

        // The lead's timeline has its deal's activity; a viewer gets neither the form nor the button.
        await page.GotoAsync($"/app/leads/{lead}");
        (await page.Locator("#timeline-heading + ol").InnerTextAsync()).ShouldContain("Call: Pricing call");
        cp.Problems.ShouldBeEmpty();
        await using var viewer = await OpenAsync(demo.ViewerEmail, $"/app/deals/{deal}");
        (await viewer.Page.Locator("#log-activity-heading").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_import_page_shows_the_dry_run_report_row_by_row_then_imports()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/imports");
        var page = cp.Page;
        var marker = Guid.NewGuid().ToString("N")[..8];
        var csv = $"email,name,need_score\nok-{marker}@import.test,Okay Lead,0.5\n,No Email,0.2\nbad-{marker}@import.test,Bad Need,lots\n";
        await page.Locator("#table").SelectOptionAsync("leads");
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "leads.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.Locator("#dry_run").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await page.Locator("#report-heading").WaitForAsync();
        (await page.Locator("[data-count=created]").InnerTextAsync()).ShouldBe("1");
        (await page.Locator("[data-count=errors]").InnerTextAsync()).ShouldBe("2");
        (await page.Locator("#import-errors tbody tr").CountAsync()).ShouldBe(2);
        (await h.CountAsync($"leads?email=ok-{marker}@import.test")).ShouldBe(0);
        await App.CheckPageAsync(cp, "imports");

        await page.Locator("#table").SelectOptionAsync("leads");
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "leads.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await page.Locator("#report-heading").WaitForAsync();
        (await page.Locator("#report-heading").InnerTextAsync()).ShouldStartWith("Import of leads");
        (await h.CountAsync($"leads?email=ok-{marker}@import.test")).ShouldBe(1);
        cp.Problems.ShouldBeEmpty();
    }
}
