using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Issue 12's prospecting desk in Chromium: a demo draft's citations, a bad edit refused, edit, approve and send (SMTP sink), an event's bulk invitations.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProspectsPageTests(ConsoleFixture app) : ConsoleTests(app)
{
    [Fact]
    public async Task A_rep_reviews_a_cited_draft_edits_approves_and_sends_it_and_invites_an_events_prospects()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        await using var cp = await OpenAsync(demo.MemberEmail, "/app/prospects");
        var page = cp.Page;

        // The queue shows what the demo's assistant drafted; each cited sentence is in the message.
        var pending = (await h.GetOkAsync("/api/v1/outreach_drafts?status=draft&draft_type=email&limit=200"))["data"]!.AsArray();
        pending.Count.ShouldBeGreaterThan(0);
        var draft = pending[0]!;
        var id = draft.Str("id");
        var card = page.Locator($"#draft-{id}");
        var citations = draft["citations"]!.AsArray();
        citations.Count.ShouldBeGreaterThan(0);
        (await card.Locator("ol.citations > li").CountAsync()).ShouldBe(citations.Count);
        var text = await card.Locator("textarea").InputValueAsync();
        foreach (var c in citations) text.ShouldContain(c!.Str("quote"));
        await App.CheckPageAsync(cp, "prospects");

        // An empty message is refused with its field message and saves nothing; then a real edit.
        await card.Locator("textarea").FillAsync("   ");
        await card.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await page.Locator("#Message-error").WaitForAsync();
        (await h.GetOkAsync($"/api/v1/outreach_drafts/{id}")).Str("content").ShouldBe(draft.Str("content"));
        await page.Locator($"#draft-{id} textarea").FillAsync(draft.Str("content") + "\n\nP.S. Happy to send the case study first.");
        await page.Locator($"#draft-{id}").GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await page.Locator(".flash.ok", new() { HasText = "Draft saved" }).WaitForAsync();
        (await h.GetOkAsync($"/api/v1/outreach_drafts/{id}")).Str("content").ShouldEndWith("case study first.");

        // Approve (through the one queue), then Send: the mail goes to the prospect.
        await page.Locator($"#draft-{id}").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator(".flash.ok", new() { HasText = "Approved" }).WaitForAsync();
        var approved = await h.GetOkAsync($"/api/v1/outreach_drafts/{id}");
        approved.Str("status").ShouldBe("approved");
        (await h.GetOkAsync($"/api/v1/approvals/{approved.Str("approval_id")}")).Str("status").ShouldBe("approved");
        var email = (await h.GetOkAsync($"/api/v1/prospects/{draft.Str("prospect_id")}")).Str("email");
        await page.Locator($"#draft-{id}").GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await page.Locator(".flash.ok", new() { HasText = "Sent" }).WaitForAsync();
        (await h.GetOkAsync($"/api/v1/outreach_drafts/{id}")).Str("status").ShouldBe("sent");
        App.Smtp.To(email).Single().Body.ShouldContain("case study first.");
        (await page.Locator($"#draft-{id}").CountAsync()).ShouldBe(0);

        // A new prospect the event targets: the event offers one invitation, and drafts it.
        var ev = (await h.GetOkAsync("/api/v1/events?status=upcoming"))["data"]!.AsArray()[0]!;
        var company = (await h.GetOkAsync("/api/v1/companies?name=Brightcart"))["data"]!.AsArray()[0]!.Str("id");
        var newcomer = (await h.PostOkAsync("/api/v1/prospects", new { full_name = "Nia Newcomer", email = $"nia-{Guid.NewGuid():N}@brightcart.example", company_id = company, job_title = "CX Director" }, 201)).Str("id");
        await page.GotoAsync("/app/prospects");
        await page.Locator($"#event-{ev.Str("id")}").GetByRole(AriaRole.Button, new() { Name = "Draft 1 invitation" }).ClickAsync();
        await page.Locator(".flash.ok", new() { HasText = "invitation" }).WaitForAsync();
        var invitation = (await h.GetOkAsync($"/api/v1/outreach_drafts?prospect_id={newcomer}"))["data"]!.AsArray().Single()!;
        invitation.Str("draft_type").ShouldBe("event_invitation");
        (await page.Locator($"#draft-{invitation.Str("id")}").CountAsync()).ShouldBe(1);
        cp.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rep_edits_a_prospects_own_fields_and_a_blank_name_is_refused()
    {
        var demo = await DemoAsync();
        var h = demo.Owner.Http;
        var prospect = (await h.GetOkAsync("/api/v1/prospects?limit=1"))["data"]!.AsArray()[0]!;
        var id = prospect.Str("id");
        await using var cp = await OpenAsync(demo.MemberEmail, $"/app/prospects/{id}");
        var page = cp.Page;
        (await page.Locator("#p-email").InputValueAsync()).ShouldBe(prospect.Str("email"));

        // A blank name comes back as the name's message and changes nothing.
        await page.Locator("#p-name").FillAsync("   ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save prospect" }).ClickAsync();
        await page.Locator("[id='Input.FullName-error']").WaitForAsync();
        (await h.GetOkAsync($"/api/v1/prospects/{id}")).Str("full_name").ShouldBe(prospect.Str("full_name"));

        await page.Locator("#p-name").FillAsync("Renata Prospect");
        await page.Locator("#p-location").FillAsync("Lisbon, Portugal");
        await page.Locator("#p-status").SelectOptionAsync("engaged");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save prospect" }).ClickAsync();
        await page.Locator(".flash.ok", new() { HasText = "Prospect saved" }).WaitForAsync();
        var after = await h.GetOkAsync($"/api/v1/prospects/{id}");
        after.Str("full_name").ShouldBe("Renata Prospect");
        after.Str("location").ShouldBe("Lisbon, Portugal");
        after.Str("status").ShouldBe("engaged");
        after.Str("email").ShouldBe(prospect.Str("email"));
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Renata Prospect");
        await App.CheckPageAsync(cp, "prospect-edit");
        cp.Problems.ShouldBeEmpty();
    }
}
