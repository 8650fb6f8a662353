using System.Text.Json.Nodes;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Sales;
using Clientele.Tests.Team;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Prospecting;

/// <summary>
/// Issue 12 items 6-8 with the built-in engine: research ranks the matching solution first and every
/// insight names its row; a draft cites its facts, waits in the approval queue and is sent (SMTP sink)
/// only after approval; an event's matching prospects and the bulk invitations; every call logged.
/// </summary>
public sealed class ProspectingTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    [Fact]
    public async Task Research_ranks_the_solution_for_their_industry_and_words_first_and_every_insight_names_its_row()
    {
        var t = await app.SignupAsync();
        var h = t.Http;
        var x = await ProspectingScenario.CreateAsync(h);

        var research = await h.PostOkAsync($"/api/v1/prospects/{x.Prospect}/research", null, 201);
        var ranked = research["recommended_solutions"]!.AsArray();
        ranked.Select(r => r!.Str("name")).ShouldBe(["WhatsApp Commerce", "Delivery Updates", "Patient Messaging"]);
        ranked[0]!["score"]!.GetValue<double>().ShouldBe(0.8);   // serves Retail (0.6) + "whatsapp" said on the call (0.2)
        ranked[1]!["score"]!.GetValue<double>().ShouldBe(0.6);   // serves Retail only
        ranked[2]!["score"]!.GetValue<double>().ShouldBe(0.2);   // "whatsapp" only: it serves Healthcare
        var said = ranked[0]!["matched_terms"]!.AsArray().Single()!;
        said.Str("term").ShouldBe("whatsapp");
        said["source"]!.Str("table").ShouldBe("interactions");
        said["source"]!.Str("id").ShouldBe(x.Interaction.ToString());
        said["source"]!.Str("field").ShouldBe("content");
        ranked[0]!["industry_source"]!.Str("table").ShouldBe("industry_solutions");

        var insights = research["key_insights"]!.AsArray();
        insights.Count.ShouldBeGreaterThan(3);
        foreach (var insight in insights) await ProspectingScenario.AssertSourcesExistAsync(h, insight!["source"]!);
        insights.ShouldContain(i => i!["source"]!.Str("id") == x.Interaction.ToString() && i.Str("text").Contains("Wants a demo"));
        insights.ShouldContain(i => i!["source"]!.Str("id") == x.Event.ToString() && i.Str("text").Contains("Amsterdam"));
        insights.ShouldContain(i => i!["source"]!.Str("table") == "companies" && i.Str("text").Contains("201-500"));
        research["confidence_score"]!.GetValue<double>().ShouldBe(0.95);
        research.Str("research_summary").ShouldContain("Best fit: WhatsApp Commerce");

        (await h.GetOkAsync($"/api/v1/prospects/{x.Prospect}")).Str("status").ShouldBe("researching");
        var log = (await h.GetOkAsync("/api/v1/llm_usage_logs?workflow_name=prospect_research"))["data"]!.AsArray().Single()!;
        log.Str("node_name").ShouldBe("research");
        log.Str("model").ShouldBe("clientele-builtin-1");
        log["prompt_tokens"]!.GetValue<int>().ShouldBeGreaterThan(100);

        // Another tenant's prospect, an unknown id, a viewer: refused, nothing written.
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/prospects/{x.Prospect}/research", new { })).ShouldBeProblem(404);
        (await h.PostJsonAsync($"/api/v1/prospects/{Guid.NewGuid()}/research", new { })).ShouldBeProblem(404);
        (await other.Http.CountAsync("prospect_research")).ShouldBe(0);
        (await other.Http.CountAsync("llm_usage_logs")).ShouldBe(0);
        (await h.CountAsync("prospect_research")).ShouldBe(1);
    }

    [Fact]
    public async Task A_draft_cites_its_facts_and_is_sent_only_after_approval_in_the_one_queue()
    {
        var t = await app.SignupAsync();
        var h = t.Http;
        var x = await ProspectingScenario.CreateAsync(h);

        (await h.PostJsonAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "fax" })).ShouldBeProblem(422, "draft_type");
        (await h.PostJsonAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "event_invitation" })).ShouldBeProblem(422, "event_id");
        (await h.PostJsonAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "email", event_id = Guid.NewGuid() })).ShouldBeProblem(422, "event_id");
        (await h.CountAsync("outreach_drafts")).ShouldBe(0);
        (await h.CountAsync("approvals")).ShouldBe(0);

        var draft = await h.PostOkAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "email", event_id = x.Event }, 201);
        var id = draft.Str("id");
        draft.Str("status").ShouldBe("draft");
        draft.Str("subject").ShouldBe("WhatsApp Commerce for Brightcart");
        var content = draft.Str("content");
        content.ShouldStartWith("Hi Ana,");
        var citations = draft["citations"]!.AsArray();
        citations.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var c in citations)
        {
            content.ShouldContain(c!.Str("quote"));
            await ProspectingScenario.AssertSourcesExistAsync(h, c!["source"]!);
        }
        citations.ShouldContain(c => c!["source"]!.Str("id") == x.Interaction.ToString() && c.Str("quote").Contains("Support volumes"));
        citations.ShouldContain(c => c!["source"]!.Str("id") == x.Event.ToString() && c.Str("quote").Contains("Amsterdam"));
        citations.ShouldContain(c => c!["source"]!.Str("table") == "industry_solutions");
        draft["research_id"].ShouldNotBeNull(); // no research yet: it was run first

        // It waits in the one approval queue; sending now is refused and mails nothing.
        var approval = await h.GetOkAsync($"/api/v1/approvals/{draft.Str("approval_id")}");
        approval.Str("status").ShouldBe("pending");
        approval.Str("action").ShouldBe("send_outreach");
        approval.Str("details").ShouldContain("Ana Silva (Brightcart)");
        (await h.PostJsonAsync($"/api/v1/outreach_drafts/{id}/send", new { })).ShouldBeProblem(409, "status");
        app.Smtp.To(x.Email).ShouldBeEmpty();
        (await h.PatchJsonAsync($"/api/v1/outreach_drafts/{id}", new { status = "approved" })).ShouldBeProblem(422, "status");

        // Edit while it waits, approve, then the words are frozen.
        var edited = content.Replace("Best regards", "Best regards,\nSam");
        ((int)(await h.PatchJsonAsync($"/api/v1/outreach_drafts/{id}", new { content = edited })).Status).ShouldBe(200);
        (await h.PostOkAsync($"/api/v1/outreach_drafts/{id}/approve", new { comment = "Good to go" })).Str("status").ShouldBe("approved");
        (await h.GetOkAsync($"/api/v1/approvals/{draft.Str("approval_id")}")).Str("status").ShouldBe("approved");
        (await h.PatchJsonAsync($"/api/v1/outreach_drafts/{id}", new { content = "Something else" })).ShouldBeProblem(409, "status");
        (await h.PostJsonAsync($"/api/v1/outreach_drafts/{id}/approve", new { })).ShouldBeProblem(409, "status");

        var sent = await h.PostOkAsync($"/api/v1/outreach_drafts/{id}/send", new { });
        sent.Str("status").ShouldBe("sent");
        var mail = app.LastTo(x.Email);
        mail.Subject.ShouldBe("WhatsApp Commerce for Brightcart");
        (mail.TextBody ?? "").ShouldContain("Best regards,\nSam");
        mail.Headers["Auto-Submitted"].ShouldBeNull();
        var touch = await h.GetOkAsync($"/api/v1/interactions/{sent.Str("interaction_id")}");
        touch.Str("interaction_type").ShouldBe("email");
        touch.Str("event_id").ShouldBe(x.Event.ToString());
        var prospect = await h.GetOkAsync($"/api/v1/prospects/{x.Prospect}");
        prospect["last_contacted_at"].ShouldNotBeNull();
        prospect.Str("status").ShouldBe("contacted");
        (await h.PostJsonAsync($"/api/v1/outreach_drafts/{id}/send", new { })).ShouldBeProblem(409, "status");
        app.Smtp.To(x.Email).Count().ShouldBe(1);

        // A second draft discarded: archived, its approval rejected, never sendable.
        var second = await h.PostOkAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "linkedin_message" }, 201);
        second["subject"].ShouldBeNull();
        second.Str("content").Length.ShouldBeLessThan(600);
        (await h.PostOkAsync($"/api/v1/outreach_drafts/{second.Str("id")}/discard", new { comment = "Too soon after the email" })).Str("status").ShouldBe("archived");
        (await h.GetOkAsync($"/api/v1/approvals/{second.Str("approval_id")}")).Str("status").ShouldBe("rejected");
        (await h.PostJsonAsync($"/api/v1/outreach_drafts/{second.Str("id")}/send", new { })).ShouldBeProblem(409, "status");

        // One research call (run for the first draft) and one call per draft, each logged.
        var logs = (await h.GetOkAsync("/api/v1/llm_usage_logs?limit=50"))["data"]!.AsArray();
        logs.Select(l => $"{l!.Str("workflow_name")}/{l!.Str("node_name")}").Order()
            .ShouldBe(["outreach_draft/email", "outreach_draft/linkedin_message", "prospect_research/research"]);
    }

    [Fact]
    public async Task An_event_lists_the_prospects_it_targets_and_drafts_their_invitations_once()
    {
        var t = await app.SignupAsync();
        var h = t.Http;
        var x = await ProspectingScenario.CreateAsync(h);
        async Task<Guid> Prospect(string name, Guid company, string title) =>
            Guid.Parse((await h.PostOkAsync("/api/v1/prospects", new { full_name = name, email = $"{Guid.NewGuid():N}@example.test", company_id = company, job_title = title }, 201)).Str("id"));
        var clinic = Guid.Parse((await h.PostOkAsync("/api/v1/companies", new { name = "MediLink", industry_id = x.Healthcare, size = "51-200" }, 201)).Str("id"));
        await Prospect("Carl Finance", x.Company, "CFO");                       // Retail, another role
        await Prospect("Hana Clinic", clinic, "Head of E-commerce");           // the role, another industry
        var vp = await Prospect("Vera Shop", x.Company, "VP, Head of E-commerce Europe");

        var list = (await h.GetOkAsync($"/api/v1/events/{x.Event}/prospects"))["data"]!.AsArray();
        list.Select(p => p!.Str("full_name")).ShouldBe(["Ana Silva", "Vera Shop"]);
        list.ShouldAllBe(p => p!["invitation_draft_id"] == null);

        var bulk = await h.PostOkAsync($"/api/v1/events/{x.Event}/draft_invitations", new { });
        bulk["created"]!.AsArray().Count.ShouldBe(2);
        bulk["skipped"]!.GetValue<int>().ShouldBe(0);
        var drafts = (await h.GetOkAsync($"/api/v1/outreach_drafts?event_id={x.Event}"))["data"]!.AsArray();
        drafts.Count.ShouldBe(2);
        drafts.ShouldAllBe(d => d!.Str("draft_type") == "event_invitation" && d!.Str("status") == "draft");
        var vera = drafts.Single(d => d!.Str("prospect_id") == vp.ToString())!;
        vera.Str("subject").ShouldContain("Amsterdam");
        vera["citations"]!.AsArray().ShouldContain(c => c!["source"]!.Str("id") == x.Event.ToString());

        var again = await h.PostOkAsync($"/api/v1/events/{x.Event}/draft_invitations", new { });
        again["created"]!.AsArray().Count.ShouldBe(0);
        again["skipped"]!.GetValue<int>().ShouldBe(2);
        (await h.CountAsync($"outreach_drafts?event_id={x.Event}")).ShouldBe(2);
        (await h.GetJsonAsync($"/api/v1/events/{Guid.NewGuid()}/prospects")).ShouldBeProblem(404);
        (await (await app.SignupAsync()).Http.GetJsonAsync($"/api/v1/events/{x.Event}/prospects")).ShouldBeProblem(404);
    }
}
