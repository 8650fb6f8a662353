using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 11: the copilot answers the three customer-success questions from the health model, the QBR draft and the playbooks, with the customer's numbers.</summary>
public sealed class SuccessCopilotTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    [Fact]
    public async Task Why_health_drops_the_QBR_and_the_playbook_are_answered_with_the_customers_numbers()
    {
        var t = await app.SignupAsync();
        var c = await t.Http.CreateCustomerAsync(new { name = "Falling Co", company_name = "Falling Co" });
        // DAU 10 the week before, 4 this week: usage falls 60%, the usage_decline signal opens.
        var values = string.Join(", ", Enumerable.Range(0, 14).Select(d => $"(gen_random_uuid(), $1, '{c}', current_date - {d}, {(d < 7 ? 4 : 10)}, 3, 50)"));
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand($"INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, login_count, adoption_score) VALUES {values}", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await t.Http.PostJsonAsync("/api/v1/csm_playbooks", new { title = "Usage recovery", category = "adoption", content = "When weekly active users fall: run a usage review. Retrain the admins." })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/csm_playbooks", new { title = "Billing recovery", category = "billing", content = "When invoices are overdue: call the billing contact." })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { })).Status.ShouldBe(HttpStatusCode.OK);
        var health = (await t.Http.GetJsonAsync($"/api/v1/customers/{c}/health")).Json!;
        var score = health["score"]!.GetValue<int>();
        var usage = health["components"]!["usage"]!;
        var session = await CopilotScenario.SessionAsync(t.Http, c);

        var why = await CopilotScenario.AskAsync(t.Http, session, "Why is Falling Co's health dropping?");
        why["question_type"]!.GetValue<string>().ShouldBe("health_why");
        var text = CopilotScenario.Content(why);
        text.ShouldContain($"Falling Co's health is {score}/100");
        text.ShouldContain($"usage {usage["score"]!.GetValue<int>()}/100 (weight 30)");
        text.ShouldContain("Daily active users 4 on average this week vs 10 the week before (-60%)");
        text.ShouldContain("usage decline (high)");

        var qbr = await CopilotScenario.AskAsync(t.Http, session, "Prepare me for the QBR");
        qbr["question_type"]!.GetValue<string>().ShouldBe("qbr_prep");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var last = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
        var qtext = CopilotScenario.Content(qbr);
        qtext.ShouldContain($"QBR for Q{(last.Month - 1) / 3 + 1} {last.Year}: Falling Co, Q{(last.Month - 1) / 3 + 1} {last.Year}: health {score}");
        qtext.ShouldContain("1 open risk signal");
        (await t.Http.GetJsonAsync($"/api/v1/qbrs?customer_id={c}")).Json!["data"]!.AsArray().ShouldBeEmpty(); // a question writes no QBR

        var play = await CopilotScenario.AskAsync(t.Http, session, "Which playbook fits?");
        play["question_type"]!.GetValue<string>().ShouldBe("playbook");
        var ptext = CopilotScenario.Content(play);
        ptext.ShouldContain("the best fit is the playbook “Usage recovery” (adoption)");
        ptext.ShouldContain("Daily active users fell 60%");
        ptext.ShouldContain($"Health {score}/100");
        ptext.ShouldContain("run a usage review");
    }
}
