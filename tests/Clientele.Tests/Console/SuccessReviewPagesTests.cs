using System.Globalization;
using System.Text;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 11's contract upload, account plan and transcript pages in Chromium: field errors that write nothing, then the happy path, agreeing with the rows.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SuccessReviewPagesTests(ConsoleFixture app)
{
    private static string Day(int offset) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_contract_is_uploaded_read_reviewed_and_activated_and_an_upload_without_a_file_writes_nothing()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        var name = $"Quayside Logistics {Guid.NewGuid().ToString("N")[..6]}";
        var customer = await demo.Owner.Http.CreateCustomerAsync(new { name, company_name = name });
        var before = await DemoTenant.CountAsync(app, "SELECT count(*) FROM contracts WHERE organization_id = $1", org);
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync("/app/success/contracts");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Contracts", Level = 1 })).ToBeVisibleAsync();

        // No file: the form again with the field's message, nothing stored.
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and read" }).ClickAsync();
        await Assertions.Expect(page.Locator("#file-error")).ToContainTextAsync("Choose a PDF or text file.");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM contracts WHERE organization_id = $1", org)).ShouldBe(before);
        await app.CheckPageAsync(cp, "success-contracts-error");

        var text = $"""
            MASTER SUBSCRIPTION AGREEMENT
            This agreement is made between Northwind Software (the "Provider") and {name}.
            Customer: {name}
            Effective Date: {Day(-265)}
            The initial term of 12 months starts on the Effective Date.
            End Date: {Day(100)}
            Annual contract value: USD 48,000.00, invoiced annually, payment terms net 30.
            Order: 40 Analyst seats at $75 per seat per month; 2 Premium support packages at $1,200 each.
            The service provides single sign-on (SAML SSO) and a 99.9% uptime SLA.
            """;
        await page.GetByLabel("File", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "quayside-msa.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(text) });
        await page.GetByLabel("Customer", new() { Exact = true }).SelectOptionAsync(customer.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and read" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Contract · quayside-msa.txt");
        await Assertions.Expect(page.Locator("#contract-status")).ToHaveTextAsync("pending");
        var id = Guid.Parse(page.Url.Split('/')[^1]);
        (await page.Locator("#contract-terms tr", new() { Has = page.Locator("th", new() { HasText = "ARR" }) }).Locator("td").First.InnerTextAsync()).ShouldBe("48,000");
        (await page.Locator("#contract-terms tr", new() { Has = page.Locator("th", new() { HasText = "End" }) }).Locator("td").First.InnerTextAsync()).ShouldBe(Day(100));
        var entitlements = await DemoTenant.CountAsync(app, "SELECT count(*) FROM entitlements WHERE organization_id = $1 AND contract_id = $2", org, id);
        entitlements.ShouldBeGreaterThan(0);
        (await page.Locator("#contract-entitlements tbody tr").CountAsync()).ShouldBe((int)entitlements);
        (await page.Locator("#contract-entitlements").InnerTextAsync()).ShouldContain("Analyst");
        await app.CheckPageAsync(cp, "success-contract-review");

        await page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Assertions.Expect(page.Locator("#contract-status")).ToHaveTextAsync("active");
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Contract active");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM contracts WHERE organization_id = $1 AND id = $2 AND status = 'active' AND customer_id = $3", org, id, customer)).ShouldBe(1);

        // Create subscription: an approval is queued (nothing created yet); approved, the page links the one subscription.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create subscription" }).ClickAsync();
        await Assertions.Expect(page.Locator("#subscription-state")).ToContainTextAsync("waiting for approval");
        const string subs = "SELECT count(*) FROM subscriptions WHERE organization_id = $1 AND extra_metadata->>'contract_id' = $2::text";
        (await DemoTenant.CountAsync(app, subs, org, id)).ShouldBe(0);
        var approval = (await demo.Owner.Http.GetJsonAsync($"/api/v1/contracts/{id}/subscription_request")).Json!["approval_id"]!.GetValue<string>();
        (await demo.Owner.Http.PostJsonAsync($"/api/v1/approvals/{approval}/approve", new { })).Json!["status"]!.GetValue<string>().ShouldBe("executed");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#subscription-state")).ToContainTextAsync("created");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the subscription" })).ToBeVisibleAsync();
        (await page.GetByRole(AriaRole.Button, new() { Name = "Create subscription" }).CountAsync()).ShouldBe(0);
        (await DemoTenant.CountAsync(app, subs + " AND seats_total = 40 AND customer_id = $3", org, id, customer)).ShouldBe(1);
        await app.CheckPageAsync(cp, "success-contract-subscription");

        await page.GotoAsync("/app/success/contracts");
        (await page.Locator("#contract-list tbody tr", new() { HasText = "quayside-msa.txt" }).InnerTextAsync()).ShouldContain(name);
        (await page.Locator("#contract-list tbody tr").CountAsync()).ShouldBe((int)await DemoTenant.CountAsync(app,
            "SELECT least(count(*), 100) FROM contracts WHERE organization_id = $1", org));
        await app.CheckPageAsync(cp, "success-contracts");
    }

    [Fact]
    public async Task An_account_plan_is_written_submitted_and_approved_and_a_form_with_errors_writes_nothing()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        var name = $"Lantern Foods {Guid.NewGuid().ToString("N")[..6]}";
        var customer = await demo.Owner.Http.CreateCustomerAsync(new { name, company_name = name });
        var before = await DemoTenant.CountAsync(app, "SELECT count(*) FROM account_plans WHERE organization_id = $1", org);
        await using var cp = await app.PageAsync(demo.Owner.Email);
        var page = cp.Page;
        await page.GotoAsync("/app/success/plans");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Account plans", Level = 1 })).ToBeVisibleAsync();

        // No customer and a year that is not one: both fields say what is wrong, nothing is written.
        await page.GetByLabel("Fiscal year", new() { Exact = true }).FillAsync("2031");
        await page.GetByRole(AriaRole.Button, new() { Name = "Write the draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#customerId-error")).ToContainTextAsync("Choose the customer.");
        await Assertions.Expect(page.Locator("#fiscalYear-error")).ToContainTextAsync("FY2027");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM account_plans WHERE organization_id = $1", org)).ShouldBe(before);
        await app.CheckPageAsync(cp, "success-plans-error");

        await page.GetByLabel("Customer", new() { Exact = true }).SelectOptionAsync(customer.ToString());
        await page.GetByLabel("Fiscal year", new() { Exact = true }).FillAsync("FY2031");
        await page.GetByLabel("Strategic objectives (one per line)", new() { Exact = true }).FillAsync("Roll out to the Lisbon warehouse\nCut ticket volume by 20%");
        await page.GetByRole(AriaRole.Button, new() { Name = "Write the draft" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Draft plan FY2031 written");
        var row = page.Locator("#plans tbody tr", new() { HasText = name });
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "draft");
        (await row.Locator("li").AllInnerTextsAsync()).ShouldBe(["Roll out to the Lisbon warehouse", "Cut ticket volume by 20%"]);

        await row.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "pending_approval");
        await app.CheckPageAsync(cp, "success-plans-pending");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "approved");
        await Assertions.Expect(row).ToContainTextAsync("approved by");
        (await DemoTenant.CountAsync(app, """
            SELECT count(*) FROM account_plans WHERE organization_id = $1 AND customer_id = $2 AND fiscal_year = 'FY2031'
              AND status = 'approved' AND approved_by = $3 AND approved_at IS NOT NULL
            """, org, customer, demo.Owner.UserId)).ShouldBe(1);
        await app.CheckPageAsync(cp, "success-plans");
    }
    [Fact]
    public async Task A_pasted_transcript_is_analysed_for_its_meeting_and_a_form_with_errors_writes_nothing()
    {
        var demo = await DemoTenant.GetAsync(app);
        var org = demo.Owner.OrganizationId;
        var name = $"Harbor Freight {Guid.NewGuid().ToString("N")[..6]}";
        var customer = await demo.Owner.Http.CreateCustomerAsync(new { name, company_name = name });
        var created = await demo.Owner.Http.PostJsonAsync("/api/v1/meetings", new { title = "Renewal call", customer_id = customer, scheduled_at = DateTime.UtcNow.AddHours(-3).ToString("o"), status = "completed" });
        var meeting = Guid.Parse(created.Json!["id"]!.GetValue<string>());
        await using var cp = await app.PageAsync(demo.MemberEmail);
        var page = cp.Page;
        await page.GotoAsync("/app/success/transcripts");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Transcripts", Level = 1 })).ToBeVisibleAsync();

        // Nothing chosen, nothing pasted: both fields say so. A VTT without cues: the transcript field says what is missing. Nothing is written.
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();
        await Assertions.Expect(page.Locator("#meetingId-error")).ToContainTextAsync("Choose the meeting.");
        await Assertions.Expect(page.Locator("#content-error")).ToContainTextAsync("Paste the transcript or choose a file.");
        await page.GetByLabel("Meeting", new() { Exact = true }).SelectOptionAsync(meeting.ToString());
        await page.GetByLabel("Transcript", new() { Exact = true }).FillAsync("WEBVTT\n\nNOTE nothing was said");
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();
        await Assertions.Expect(page.Locator("#content-error")).ToContainTextAsync("has no VTT cues");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM transcripts WHERE organization_id = $1 AND meeting_id = $2", org, meeting)).ShouldBe(0);
        await app.CheckPageAsync(cp, "success-transcripts-error");

        await page.GetByLabel("Meeting", new() { Exact = true }).SelectOptionAsync(meeting.ToString());
        await page.GetByLabel("Transcript", new() { Exact = true }).FillAsync("""
            Maria Lopez: Thanks for joining, Dana. How did the quarter go?
            Dana Reyes: Honestly we are frustrated with the outages. We had a demo of Vitally last week.
            Maria Lopez: I will send you the incident report by Friday.
            Tom Becker: If the sync is fixed we would need 15 more seats in January.
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Transcript · Renewal call");
        await Assertions.Expect(page.Locator(".flash.ok")).ToContainTextAsync("Transcript analysed");
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("SELECT summary FROM meeting_analyses WHERE organization_id = $1 AND meeting_id = $2", conn))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(meeting);
            (await page.Locator("#analysis-summary").InnerTextAsync()).ShouldBe((string)(await cmd.ExecuteScalarAsync())!);
        }
        (await page.Locator("#analysis-competitors").InnerTextAsync()).ShouldContain("Vitally");
        (await page.Locator("#analysis-commitments li").CountAsync()).ShouldBe((int)await DemoTenant.CountAsync(app,
            "SELECT jsonb_array_length(commitments) FROM meeting_analyses WHERE organization_id = $1 AND meeting_id = $2", org, meeting));
        (await page.Locator("#analysis-by").InnerTextAsync()).ShouldBe("builtin");
        (await DemoTenant.CountAsync(app, "SELECT count(*) FROM risk_signals WHERE organization_id = $1 AND customer_id = $2 AND signal_type = 'competitor_mention' AND resolved_at IS NULL", org, customer)).ShouldBe(1);
        await app.CheckPageAsync(cp, "success-transcript-analysis");
    }
}
