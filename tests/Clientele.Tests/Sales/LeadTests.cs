using System.Text.Json.Nodes;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Sales;

/// <summary>Issue 12, leads: the score of every lead explained, qualification rules, assignment, dedupe by email, conversion.</summary>
public sealed class LeadTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_lead_made_by_hand_is_scored_from_its_fields_and_activity_and_the_score_is_explained()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.LeadAsync(new
        {
            email = "ada@engines.example", name = "Ada", company = "Analytical Engines", budget = "$20k-50k",
            authority = "decision_maker", need_score = 0.5m, timeline = "this_quarter",
        });
        // budget 20 + authority 20 + need 10 + timeline 10 + company named 4 + no activity 0.
        var lead = await t.Http.GetOkAsync($"/api/v1/leads/{id}");
        lead.Int("lead_score").ShouldBe(64);
        lead.Str("score_band").ShouldBe("warm");
        var score = await t.Http.GetOkAsync($"/api/v1/leads/{id}/score");
        score.Int("score").ShouldBe(64);
        score.Str("basis").ShouldBe("profile");
        var parts = score["components"]!.AsArray();
        parts.Select(p => p!.Str("component")).ShouldBe(["budget", "authority", "need", "timeline", "company", "activity"]);
        parts.Sum(p => p!.Int("points")).ShouldBe(64);
        parts.Sum(p => p!.Int("max_points")).ShouldBe(100);
        parts.Single(p => p!.Str("component") == "budget")!.Str("reason").ShouldContain("$20k-50k");

        // A completed demo adds 6 (3 per activity, 3 more for a demo); a scheduled call adds nothing yet.
        await t.Http.PostOkAsync("/api/v1/sales_activities", new { lead_id = id, activity_type = "demo", subject = "Demo", completed_at = DateTime.UtcNow }, 201);
        var call = await t.Http.PostOkAsync("/api/v1/sales_activities", new { lead_id = id, activity_type = "call", subject = "Call", scheduled_at = DateTime.UtcNow.AddDays(1) }, 201);
        (await t.Http.GetOkAsync($"/api/v1/leads/{id}")).Int("lead_score").ShouldBe(70);
        await t.Http.PatchJsonAsync($"/api/v1/sales_activities/{call.Str("id")}", new { completed_at = DateTime.UtcNow });
        (await t.Http.GetOkAsync($"/api/v1/leads/{id}")).Int("lead_score").ShouldBe(73);
        (await t.Http.GetOkAsync($"/api/v1/leads/{id}/score"))["components"]!.AsArray().Last()!.Str("reason").ShouldContain("2 completed activities");

        // The score is the server's: a client cannot write it, and a bare lead scores 0 with reasons.
        (await t.Http.PostJsonAsync("/api/v1/leads", new { name = "Typed", lead_score = 99 })).ShouldBeProblem(422, "lead_score");
        (await t.Http.PatchJsonAsync($"/api/v1/leads/{id}", new { lead_score = 1 })).ShouldBeProblem(422, "lead_score");
        var bare = await t.Http.LeadAsync(new { name = "Nobody" });
        var bareScore = await t.Http.GetOkAsync($"/api/v1/leads/{bare}/score");
        bareScore.Int("score").ShouldBe(0);
        bareScore["components"]!.AsArray().ShouldAllBe(p => p!["reason"]!.GetValue<string>().Length > 0);

        // Another organization cannot read it.
        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync($"/api/v1/leads/{id}/score")).ShouldBeProblem(404);
    }

    [Fact]
    public async Task Qualification_moves_one_step_at_a_time_and_each_step_has_its_rules()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.LeadAsync(new { name = "Grace", company = "Compilers Inc" });
        var url = $"/api/v1/leads/{id}";
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "mql" })).ShouldBeProblem(422, "email");
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "bogus" })).ShouldBeProblem(422, "status");
        await t.Http.PatchJsonAsync(url, new { email = "grace@compilers.example" });
        (await t.Http.PostOkAsync($"{url}/qualify", new { status = "mql" })).Str("qualification_status").ShouldBe("mql");
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "qualified" })).ShouldBeProblem(409, "qualification_status");
        // The same rules hold for a PATCH: no skipping, no typing "converted" without a customer.
        (await t.Http.PatchJsonAsync(url, new { qualification_status = "qualified" })).ShouldBeProblem(409, "qualification_status");
        (await t.Http.PatchJsonAsync(url, new { qualification_status = "converted" })).ShouldBeProblem(422, "converted_to_customer_id");
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "sql" })).ShouldBeProblem(422, "need_score");
        await t.Http.PatchJsonAsync(url, new { need_score = 0.8m });
        await t.Http.PostOkAsync($"{url}/qualify", new { status = "sql" });
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "qualified" })).ShouldBeProblem(422, "budget");
        await t.Http.PatchJsonAsync(url, new { budget = "yes", authority = "influencer", timeline = "next_quarter" });
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "qualified" })).ShouldBeProblem(422, "assigned_to");
        await t.Http.PostOkAsync($"{url}/assign", new { user_id = t.UserId });
        var qualified = await t.Http.PostOkAsync($"{url}/qualify", new { status = "qualified" });
        qualified.Str("qualification_status").ShouldBe("qualified");
        qualified["is_qualified"]!.GetValue<bool>().ShouldBeTrue();

        (await t.Http.PostJsonAsync($"{url}/disqualify", new { reason = " " })).ShouldBeProblem(422, "reason");
        (await t.Http.GetOkAsync(url)).Str("qualification_status").ShouldBe("qualified");
        var dq = await t.Http.PostOkAsync($"{url}/disqualify", new { reason = "Went with a competitor" });
        dq.Str("qualification_status").ShouldBe("disqualified");
        dq["extra_metadata"]!["disqualified_reason"]!.GetValue<string>().ShouldBe("Went with a competitor");
        (await t.Http.PostJsonAsync($"{url}/qualify", new { status = "mql" })).ShouldBeProblem(409, "qualification_status");
        (await t.Http.PostJsonAsync($"{url}/convert", new { })).ShouldBeProblem(409, "status");
        (await t.Http.PostOkAsync($"{url}/reopen")).Str("qualification_status").ShouldBe("new");

        // Each change is in the audit trail and the domain event log.
        var audit = await t.Http.GetOkAsync($"/api/v1/audit_logs?entity_id={id}&limit=50");
        audit["data"]!.AsArray().Count(a => a!.Str("action") == "update").ShouldBeGreaterThanOrEqualTo(6);
        // A viewer cannot move a lead.
        var viewer = await app.KeyClientAsync(t, "read");
        (await viewer.PostJsonAsync($"{url}/qualify", new { status = "mql" })).ShouldBeProblem(403);
    }

    [Fact]
    public async Task Automatic_assignment_gives_the_next_lead_to_the_sales_user_with_the_fewest_open_leads()
    {
        var t = await app.SignupAsync();
        var reps = new List<Guid>();
        foreach (var n in new[] { "ana", "ben" })
        {
            var u = await t.Http.PostOkAsync("/api/v1/users", new { email = $"{n}-{Guid.NewGuid():N}@x.test", name = n, role = "member", department = "sales" }, 201);
            reps.Add(Guid.Parse(u.Str("id")));
        }
        var owners = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var lead = await t.Http.LeadAsync(new { name = $"Lead {i}", email = $"l{i}@x.test" });
            owners.Add(Guid.Parse((await t.Http.PostOkAsync($"/api/v1/leads/{lead}/assign")).Str("assigned_to")));
        }
        // Only the sales department (not the owner), two each.
        owners.ShouldAllBe(o => reps.Contains(o));
        owners.GroupBy(o => o).Select(g => g.Count()).ShouldBe([2, 2]);
        var someone = await t.Http.LeadAsync(new { name = "x" });
        (await t.Http.PostJsonAsync($"/api/v1/leads/{someone}/assign", new { user_id = Guid.NewGuid() })).ShouldBeProblem(422, "user_id");
    }

    [Fact]
    public async Task A_second_lead_with_the_same_email_is_refused_with_a_link_or_merged_as_the_caller_chooses()
    {
        var t = await app.SignupAsync();
        var first = await t.Http.LeadAsync(new { email = "lin@acme.example", name = "Lin", company = "Acme" });
        var dup = await t.Http.PostJsonAsync("/api/v1/leads", new { email = "LIN@acme.example", name = "Lin Duplicate", phone = "+1 555 0100" });
        dup.ShouldBeProblem(409, "email");
        dup.Json!.Str("existing_id").ShouldBe(first.ToString());
        dup.Json!.Str("existing_url").ShouldBe($"/api/v1/leads/{first}");

        var merged = await t.Http.PostJsonAsync("/api/v1/leads?on_duplicate=merge", new { email = "lin@ACME.example", name = "Lin Duplicate", phone = "+1 555 0100", title = "CTO" });
        ((int)merged.Status).ShouldBe(200, merged.Json?.ToJsonString());
        merged.Json!.Str("id").ShouldBe(first.ToString());
        merged.Json!.Str("name").ShouldBe("Lin"); // kept
        merged.Json!.Str("phone").ShouldBe("+1 555 0100"); // filled
        merged.Json!.Str("title").ShouldBe("CTO");
        (await t.Http.CountAsync("leads")).ShouldBe(1);
        // A bad field is still a 422 on the merge path, and changes nothing.
        (await t.Http.PostJsonAsync("/api/v1/leads?on_duplicate=merge", new { email = "lin@acme.example", need_score = 7 })).ShouldBeProblem(422, "need_score");
        (await t.Http.PostJsonAsync("/api/v1/leads?on_duplicate=maybe", new { email = "x@y.z" })).ShouldBeProblem(400, "on_duplicate");

        // Ten at once with a new email: one lead, nine refusals.
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => t.Http.PostJsonAsync("/api/v1/leads", new { email = "race@acme.example", name = $"R{i}" })));
        results.Count(r => (int)r.Status == 201).ShouldBe(1);
        results.Count(r => (int)r.Status == 409).ShouldBe(9);
        // Another organization has its own leads: the same email is new there.
        var other = await app.SignupAsync();
        await other.Http.LeadAsync(new { email = "lin@acme.example" });
    }

    [Fact]
    public async Task Converting_links_the_customer_with_that_email_creates_one_otherwise_and_is_idempotent()
    {
        var t = await app.SignupAsync();
        var existing = await t.Http.CreateCustomerAsync(new { email = "Buyer@Shop.example", name = "Shop" });
        var lead = await t.Http.LeadAsync(new { email = "buyer@shop.example", name = "Bea Buyer", company = "Shop" });
        var first = await t.Http.PostOkAsync($"/api/v1/leads/{lead}/convert");
        first.Str("customer_id").ShouldBe(existing.ToString());
        first.Str("customer_created").ShouldBe("false");
        first.Str("qualification_status").ShouldBe("converted");
        first.Str("converted_to_customer_id").ShouldBe(existing.ToString());
        first["converted_at"].ShouldNotBeNull();
        var again = await t.Http.PostOkAsync($"/api/v1/leads/{lead}/convert", new { deal = new { value = 100 } });
        again.Str("customer_id").ShouldBe(existing.ToString());
        again.Str("already_converted").ShouldBe("true");
        again.Str("converted_at").ShouldBe(first.Str("converted_at"));
        (await t.Http.CountAsync("customers")).ShouldBe(1);
        (await t.Http.CountAsync("deals")).ShouldBe(0);

        // A new email: the customer and its primary contact are created, with a deal; five clicks at once make one of each.
        var fresh = await t.Http.LeadAsync(new { email = "nia@new.example", name = "Nia", company = "NewCo", title = "COO", phone = "+44 20 7946 0000", assigned_to = t.UserId });
        var clicks = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => t.Http.PostJsonAsync($"/api/v1/leads/{fresh}/convert",
            new { deal = new { name = "NewCo – annual", value = 12000m, expected_close_date = DateTime.UtcNow.AddDays(20) } })));
        clicks.ShouldAllBe(r => (int)r.Status == 200);
        clicks.Select(r => r.Json!.Str("customer_id")).Distinct().Count().ShouldBe(1);
        clicks.Select(r => r.Json!.Str("deal_id")).Distinct().Count().ShouldBe(1);
        clicks.Count(r => r.Json!.Str("customer_created") == "true").ShouldBe(1);
        var customerId = clicks[0].Json!.Str("customer_id");
        var customer = await t.Http.GetOkAsync($"/api/v1/customers/{customerId}?include=customer_contacts");
        customer.Str("email").ShouldBe("nia@new.example");
        customer.Str("company_name").ShouldBe("NewCo");
        var contact = customer["customer_contacts"]!.AsArray().Single()!;
        contact.Str("name").ShouldBe("Nia");
        contact["is_primary"]!.GetValue<bool>().ShouldBeTrue();
        var deal = await t.Http.GetOkAsync($"/api/v1/deals/{clicks[0].Json!.Str("deal_id")}");
        deal.Str("lead_id").ShouldBe(fresh.ToString());
        deal.Str("customer_id").ShouldBe(customerId);
        deal.Str("stage").ShouldBe("qualification");
        deal.Int("probability").ShouldBe(25);
        deal.Str("assigned_to").ShouldBe(t.UserId.ToString());
        (await t.Http.CountAsync("customers")).ShouldBe(2);
        (await t.Http.CountAsync("deals")).ShouldBe(1);

        // Without an email there is nothing to make a customer from; bad deal input changes nothing.
        var nameless = await t.Http.LeadAsync(new { name = "No Email" });
        (await t.Http.PostJsonAsync($"/api/v1/leads/{nameless}/convert", new { })).ShouldBeProblem(422, "email");
        var ok = await t.Http.LeadAsync(new { email = "z@z.example" });
        (await t.Http.PostJsonAsync($"/api/v1/leads/{ok}/convert", new { deal = new { stage = "closed_won" } })).ShouldBeProblem(422, "deal.stage");
        (await t.Http.GetOkAsync($"/api/v1/leads/{ok}")).Str("qualification_status").ShouldBe("new");
        (await t.Http.CountAsync("customers")).ShouldBe(2);
    }
}
