using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 items 3 and 5: renewals created from health, the checklist and the forecast; save plays proposed through the approval queue.</summary>
public sealed class SavePlayTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    private static string Day(int offset) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(offset).ToString("yyyy-MM-dd");

    [Fact]
    public async Task A_renewal_entry_is_created_once_120_days_ahead_and_the_checklist_moves_stage_and_probability()
    {
        var t = await app.SignupAsync();
        var soon = await t.Http.CreateCustomerAsync(new { renewal_date = Day(100), arr = 12000 });
        var later = await t.Http.CreateCustomerAsync(new { renewal_date = Day(200), arr = 5000 });
        foreach (var c in new[] { soon, later })
        {
            await InvoiceAsync(t, c, 100m, dueDaysAgo: 2); // billing 75 → health 75
            await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
            await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        }
        (await t.Http.GetJsonAsync($"/api/v1/renewal_pipeline?customer_id={later}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        var rows = (await t.Http.GetJsonAsync($"/api/v1/renewal_pipeline?customer_id={soon}")).Json!["data"]!.AsArray();
        rows.Count.ShouldBe(1);
        var entry = rows[0]!;
        entry["renewal_date"]!.GetValue<string>().ShouldBe(Day(100));
        entry["current_arr"]!.GetValue<decimal>().ShouldBe(12000m);
        entry["stage"]!.GetValue<string>().ShouldBe("identified");
        entry["probability"]!.GetValue<int>().ShouldBe(38); // half of health 75, nothing ticked
        entry["risk_factors"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain("overdue invoice (medium)");

        var id = entry["id"]!.GetValue<string>();
        var moved = (await t.Http.PatchJsonAsync($"/api/v1/renewal_pipeline/{id}", new { champion_engaged = true, proposal_sent = true })).Json!;
        moved["stage"]!.GetValue<string>().ShouldBe("proposal");
        moved["probability"]!.GetValue<int>().ShouldBe(52); // 37.5 + 50·2/7
        (await t.Http.PostJsonAsync("/api/v1/qbrs", new { customer_id = soon, quarter = "Q1 2027", status = "completed", completed_date = Day(0) })).Status.ShouldBe(HttpStatusCode.Created);
        var ticked = (await t.Http.GetJsonAsync($"/api/v1/renewal_pipeline/{id}")).Json!;
        ticked["qbr_completed"]!.GetValue<bool>().ShouldBeTrue();
        ticked["probability"]!.GetValue<int>().ShouldBe(59);
        (await t.Http.PatchJsonAsync($"/api/v1/renewal_pipeline/{id}", new { contract_signed = true })).Json!["stage"]!.GetValue<string>().ShouldBe("renewed");
    }

    [Fact]
    public async Task The_forecast_sums_arr_weighted_arr_and_at_risk_arr_of_the_quarter()
    {
        var t = await app.SignupAsync();
        var a = await t.Http.CreateCustomerAsync(new { health_score = 80 });
        var b = await t.Http.CreateCustomerAsync(new { health_score = 30 });
        var date = new DateOnly(2031, 2, 10);
        (await t.Http.PostJsonAsync("/api/v1/renewal_pipeline", new { customer_id = a, renewal_date = date.ToString("yyyy-MM-dd"), current_arr = 10000, probability = 80 })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/renewal_pipeline", new { customer_id = b, renewal_date = date.AddDays(30).ToString("yyyy-MM-dd"), current_arr = 4000, probability = 60 })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/renewal_pipeline", new { customer_id = b, renewal_date = date.AddDays(120).ToString("yyyy-MM-dd"), current_arr = 999, probability = 60 })).Status.ShouldBe(HttpStatusCode.Created);

        var q = (await t.Http.GetJsonAsync("/api/v1/renewals/forecast?quarter=Q1%202031")).Json!["quarters"]!.AsArray().Single()!;
        q["quarter"]!.GetValue<string>().ShouldBe("Q1 2031");
        q["renewals"]!.GetValue<int>().ShouldBe(2);
        q["arr"]!.GetValue<decimal>().ShouldBe(14000m);
        q["weighted_arr"]!.GetValue<decimal>().ShouldBe(10400m); // 8000 + 2400
        q["at_risk_arr"]!.GetValue<decimal>().ShouldBe(4000m); // health 30
        (await t.Http.GetJsonAsync("/api/v1/renewals/forecast?quarter=2031-Q2")).Json!["quarters"]![0]!["arr"]!.GetValue<decimal>().ShouldBe(999m);
        (await t.Http.GetJsonAsync("/api/v1/renewals/forecast?quarter=Q5%202031")).ShouldBeProblem(400, "quarter");
        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync("/api/v1/renewals/forecast?quarter=Q1%202031")).Json!["quarters"]![0]!["renewals"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task High_risk_proposes_one_save_play_with_the_matching_playbook_and_rejecting_it_creates_nothing()
    {
        var t = await app.SignupAsync();
        await PlaybooksAsync(t);
        var c = await RiskyCustomerAsync(t);
        var health = (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { })).Json!;
        health["score"]!.GetValue<int>().ShouldBeLessThan(40);
        await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });

        var pending = await SavePlayApprovalsAsync(t, c);
        pending.Count.ShouldBe(1);
        var a = pending[0]!;
        a["status"]!.GetValue<string>().ShouldBe("pending");
        a["metadata"]!["save_play"]!["playbook_title"]!.GetValue<string>().ShouldBe("Billing recovery");
        a["metadata"]!["evidence"]!["signals"]!.AsArray().Select(x => x!["type"]!.GetValue<string>()).ShouldContain("overdue_invoice");
        a["details"]!.GetValue<string>().ShouldContain("Billing recovery");
        (await t.Http.GetJsonAsync($"/api/v1/save_plays?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty();

        (await t.Http.PostJsonAsync($"/api/v1/approvals/{a["id"]}/reject", new { comment = "Handled by phone" })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.GetJsonAsync($"/api/v1/save_plays?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        (await t.Http.GetJsonAsync($"/api/v1/credits?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Approving_creates_the_save_play_whose_credit_waits_for_its_own_approval_and_closing_records_the_arr_saved()
    {
        var t = await app.SignupAsync();
        await PlaybooksAsync(t);
        var c = await RiskyCustomerAsync(t, escalated: true);
        await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        var proposal = (await SavePlayApprovalsAsync(t, c)).Single()!;
        var approved = await t.Http.PostJsonAsync($"/api/v1/approvals/{proposal["id"]}/approve", new { comment = "Go" });
        approved.Status.ShouldBe(HttpStatusCode.OK, approved.Json?.ToJsonString());
        approved.Json!["status"]!.GetValue<string>().ShouldBe("executed", approved.Json.ToJsonString());

        var play = (await t.Http.GetJsonAsync($"/api/v1/save_plays?customer_id={c}")).Json!["data"]!.AsArray().Single()!;
        play["status"]!.GetValue<string>().ShouldBe("open");
        play["arr_at_risk"]!.GetValue<decimal>().ShouldBe(24000m);
        play["playbook_id"]!.GetValue<string>().ShouldBe(proposal["metadata"]!["save_play"]!["playbook_id"]!.GetValue<string>());
        play["action_plan"]!.AsArray().Select(s => s!["step"]!.GetValue<string>()).ShouldContain(s => s.Contains("Goodwill credit of 200.00"));

        // The money step is its own pending approval; nothing is credited yet.
        var creditId = approved.Json["metadata"]!["execution"]!["result"]!["credit_approval_id"]!.GetValue<string>();
        var credit = (await t.Http.GetJsonAsync($"/api/v1/approvals/{creditId}")).Json!;
        credit["status"]!.GetValue<string>().ShouldBe("pending");
        credit["action"]!.GetValue<string>().ShouldBe("apply_credit");
        (await t.Http.GetJsonAsync($"/api/v1/credits?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        (await t.Http.PostJsonAsync($"/api/v1/approvals/{creditId}/approve", new { })).Json!["status"]!.GetValue<string>().ShouldBe("executed");
        var credits = (await t.Http.GetJsonAsync($"/api/v1/credits?customer_id={c}")).Json!["data"]!.AsArray();
        credits.Single()!["amount"]!.GetValue<decimal>().ShouldBe(200m);

        var id = play["id"]!.GetValue<string>();
        (await t.Http.PostJsonAsync($"/api/v1/save_plays/{id}/close", new { outcome = "won" })).ShouldBeProblem(422, "outcome");
        (await t.Http.PostJsonAsync($"/api/v1/save_plays/{id}/close", new { outcome = "saved", arr_saved = 99999 })).ShouldBeProblem(422, "arr_saved");
        var closed = (await t.Http.PostJsonAsync($"/api/v1/save_plays/{id}/close", new { outcome = "partially_saved", arr_saved = 18000, outcome_notes = "Downsized a team" })).Json!;
        closed["status"]!.GetValue<string>().ShouldBe("completed");
        closed["outcome"]!.GetValue<string>().ShouldBe("partially_saved");
        closed["arr_saved"]!.GetValue<decimal>().ShouldBe(18000m);
        closed["closed_at"].ShouldNotBeNull();
        (await t.Http.PostJsonAsync($"/api/v1/save_plays/{id}/close", new { outcome = "saved" })).ShouldBeProblem(409);
    }

    private static async Task PlaybooksAsync(AppFixture.Tenant t)
    {
        (await t.Http.PostJsonAsync("/api/v1/csm_playbooks", new { title = "Usage recovery", category = "adoption", content = "When weekly active users fall: run a usage review. Retrain the admins." })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/csm_playbooks", new { title = "Billing recovery", category = "billing", content = "When invoices are overdue or a payment failed: call the billing contact. Agree on a payment date. Offer to split the invoice." })).Status.ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>A 2,000/month subscription using 1 of 10 seats, three overdue invoices and a failed payment (billing 25); optionally an escalated conversation.</summary>
    private async Task<Guid> RiskyCustomerAsync(AppFixture.Tenant t, bool escalated = false)
    {
        var c = await t.Http.CreateCustomerAsync();
        var sub = await t.Http.PostJsonAsync("/api/v1/subscriptions", new { customer_id = c, plan = "premium", billing_cycle = "monthly", mrr = 2000, arr = 24000, seats_total = 10, seats_used = 1 });
        sub.Status.ShouldBe(HttpStatusCode.Created, sub.Json?.ToJsonString());
        for (var i = 0; i < 3; i++) await InvoiceAsync(t, c, 500m, dueDaysAgo: 5 + i);
        (await t.Http.PostJsonAsync("/api/v1/payments", new { customer_id = c, amount = 500, status = "failed", processed_at = DateTime.UtcNow.AddDays(-2) })).Status.ShouldBe(HttpStatusCode.Created);
        if (escalated)
            (await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = c, channel = "email", status = "escalated", sentiment_avg = -0.6 })).Status.ShouldBe(HttpStatusCode.Created);
        return c;
    }

    private static async Task<JsonArray> SavePlayApprovalsAsync(AppFixture.Tenant t, Guid customer)
    {
        var all = (await t.Http.GetJsonAsync("/api/v1/approvals?action=save_play&limit=100")).Json!["data"]!.AsArray();
        return new JsonArray(all.Where(a => a!["metadata"]?["customer_id"]?.GetValue<string>() == customer.ToString()).Select(a => a!.DeepClone()).ToArray());
    }

    private async Task InvoiceAsync(AppFixture.Tenant t, Guid customer, decimal amount, int dueDaysAgo)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO invoices (id, organization_id, customer_id, invoice_number, amount, status, issued_at, due_at)
            VALUES ($1, $2, $3, $4, $5, 'open', now() - make_interval(days => $6 + 14), now() - make_interval(days => $6))
            """, conn);
        var id = Guid.CreateVersion7();
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        cmd.Parameters.AddWithValue(customer);
        cmd.Parameters.AddWithValue($"T-{id:N}");
        cmd.Parameters.AddWithValue(amount);
        cmd.Parameters.AddWithValue(dueDaysAgo);
        await cmd.ExecuteNonQueryAsync();
    }
}
