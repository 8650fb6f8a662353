using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;
using static Clientele.Tests.CopilotScenario;

namespace Clientele.Tests;

/// <summary>The host with a fake Google and an SMTP sink, and a fast outbox, for the copilot's actions.</summary>
public sealed class CopilotFixture : GoogleFixture
{
    public SmtpSink Smtp { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Smtp:Host"] = Smtp.Host;
            c["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
            c["Smtp:EnableSsl"] = "false";
            c["Smtp:FromAddress"] = "csm@clientele.test";
            c["Smtp:TimeoutSeconds"] = "10";
            c["Outbox:PollMilliseconds"] = "50";
            c["Outbox:BackoffBaseSeconds"] = "0.02";
            return c;
        }
    }

    public override async Task InitializeAsync()
    {
        Smtp = await SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The at-risk customer the copilot tests talk about, and the calls they make.</summary>
public static class CopilotScenario
{
    public sealed record Account(AppFixture.Tenant Tenant, Guid CustomerId, string DanaEmail);

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static DateTime Today => DateTime.UtcNow.Date;

    /// <summary>
    /// Acme Logistics: health 38 (50 forty-five days ago), churn risk 0.82, two overdue invoices
    /// ($2,500 + $1,700 = $4,200, the oldest 40 days), one not due, a failed payment, MAU 185 → 120,
    /// renewal in 45 days at 40%, Dana Lee the primary contact, Sam Poe the champion who left.
    /// </summary>
    public static async Task<Account> AtRiskAccountAsync(AppFixture f)
    {
        var t = await f.SignupAsync();
        var h = t.Http;
        var dana = $"dana-{Guid.NewGuid():N}"[..16] + "@acme.test";
        var customer = await h.CreateCustomerAsync(new
        {
            company_name = "Acme Logistics", plan = "premium", mrr = 2000, health_score = 38, churn_risk = 0.82, stage = "at_risk",
            renewal_date = Today.AddDays(45).ToString("yyyy-MM-dd", C),
        });
        async Task Post(string table, object body)
        {
            var r = await h.PostJsonAsync($"/api/v1/{table}", body);
            r.Status.ShouldBe(HttpStatusCode.Created, $"{table}: {r.Json?.ToJsonString()}");
        }
        await Post("health_score_history", new { customer_id = customer, score = 50, recorded_at = DateTime.UtcNow.AddDays(-45) });
        await Post("health_score_history", new { customer_id = customer, score = 44, recorded_at = DateTime.UtcNow.AddDays(-20) });
        await Post("risk_signals", new { customer_id = customer, signal_type = "champion_left", severity = "high", description = "Sam Poe left Acme" });
        await Post("subscriptions", new { customer_id = customer, plan = "premium", mrr = 2000, seats_total = 50, seats_used = 45, status = "active" });
        await Post("invoices", new { customer_id = customer, invoice_number = $"INV-{Guid.NewGuid():N}"[..12], amount = 2500, status = "open", due_at = DateTime.UtcNow.AddDays(-40) });
        await Post("invoices", new { customer_id = customer, invoice_number = $"INV-{Guid.NewGuid():N}"[..12], amount = 1700, status = "open", due_at = DateTime.UtcNow.AddDays(-10) });
        await Post("invoices", new { customer_id = customer, invoice_number = $"INV-{Guid.NewGuid():N}"[..12], amount = 1000, status = "open", due_at = DateTime.UtcNow.AddDays(10) });
        await Post("payments", new { customer_id = customer, amount = 2000, status = "failed", processed_at = DateTime.UtcNow.AddDays(-12) });
        await Post("customer_contacts", new { customer_id = customer, name = "Dana Lee", email = dana, title = "VP Operations", role = "business", is_primary = true, sentiment = "skeptical" });
        await Post("customer_contacts", new
        {
            customer_id = customer, name = "Sam Poe", email = "sam@acme.test", title = "Director of Support", role = "admin",
            extra_metadata = new { status = "left", champion = "true" },
        });
        await Post("renewal_pipeline", new
        {
            customer_id = customer, renewal_date = Today.AddDays(45).ToString("yyyy-MM-dd", C), current_arr = 24000, proposed_arr = 24000, probability = 40,
            stage = "negotiation", risk_factors = new[] { "budget cuts" },
        });
        await Post("usage_metrics", new { customer_id = customer, metric_date = Today.AddDays(-32).ToString("yyyy-MM-dd", C), mau = 185, dau = 60, adoption_score = 60 });
        await Post("usage_metrics", new { customer_id = customer, metric_date = Today.AddDays(-1).ToString("yyyy-MM-dd", C), mau = 120, dau = 40, adoption_score = 45, usage_trend = "decreasing" });
        return new Account(t, customer, dana);
    }

    public static async Task<Guid> SessionAsync(HttpClient h, Guid customer)
    {
        var r = await h.PostJsonAsync("/api/v1/agent_sessions", new { customer_id = customer, title = "Save Acme" });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        r.Json!["status"]!.GetValue<string>().ShouldBe("active");
        r.Json["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString());
        return Guid.Parse(r.Json["id"]!.GetValue<string>());
    }

    public static async Task<JsonNode> AskAsync(HttpClient h, Guid session, string question)
    {
        var r = await h.PostJsonAsync($"/api/v1/agent_sessions/{session}/messages", new { content = question });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return r.Json!;
    }

    public static async Task<JsonArray> ListAsync(HttpClient h, string query) =>
        (await h.GetJsonAsync($"/api/v1/{query}")).Json!["data"]!.AsArray();

    public static string Content(JsonNode answer) => answer["content"]!.GetValue<string>();

    public static JsonNode OnlyApproval(JsonNode answer, string action)
    {
        var approvals = answer["approvals"]!.AsArray();
        approvals.Count.ShouldBe(1, answer.ToJsonString());
        approvals[0]!["action"]!.GetValue<string>().ShouldBe(action);
        approvals[0]!["status"]!.GetValue<string>().ShouldBe("pending");
        return approvals[0]!;
    }

}

/// <summary>
/// The CSM copilot (issue 5 item 6): answers about an at-risk customer with its numbers, proposals
/// that wait for a human decision, the approval state machine and what approved actions do,
/// agent_activity_log and llm_usage_logs, roles and tenant isolation.
/// </summary>
public sealed class CopilotTests(CopilotFixture f) : IClassFixture<CopilotFixture>
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static DateTime Today => DateTime.UtcNow.Date;

    private async Task ExecAsync(string sql, params object[] args)
    {
        await using var db = await f.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }

    // ---- answers -------------------------------------------------------------------------------

    [Fact]
    public async Task Answers_health_billing_renewal_and_stakeholder_questions_with_the_customers_numbers()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);

        var health = await AskAsync(h, session, "How healthy is Acme right now?");
        health["question_type"]!.GetValue<string>().ShouldBe("health");
        Content(health).ShouldContain("Acme Logistics's health is 38/100 (down 12 in 30 days, from 50)");
        Content(health).ShouldContain("churn risk 0.82 (high)");
        Content(health).ShouldContain("champion left (high)");

        var billing = await AskAsync(h, session, "Are any invoices overdue?");
        billing["question_type"]!.GetValue<string>().ShouldBe("billing");
        Content(billing).ShouldContain("2 invoices overdue ($4,200.00; oldest 40 days");
        Content(billing).ShouldContain("1 more open invoice not yet due ($1,000.00)");
        Content(billing).ShouldContain("1 failed payment in the last 90 days");

        var renewal = await AskAsync(h, session, "When does the contract renew and how likely is the renewal?");
        renewal["question_type"]!.GetValue<string>().ShouldBe("renewal");
        Content(renewal).ShouldContain($"Renewal on {Today.AddDays(45):yyyy-MM-dd} (in 45 days): stage negotiation, probability 40%; ARR $24,000.00");
        Content(renewal).ShouldContain("QBR done no");
        Content(renewal).ShouldContain("Risk factors: budget cuts");

        var people = await AskAsync(h, session, "Who are the key stakeholders?");
        people["question_type"]!.GetValue<string>().ShouldBe("stakeholders");
        Content(people).ShouldContain("Dana Lee (VP Operations, primary, sentiment skeptical");
        Content(people).ShouldContain("Left: Sam Poe (champion)");

        var usage = await AskAsync(h, session, "How is their product usage and adoption?");
        Content(usage).ShouldContain("120 monthly active users (down 35% vs 30 days earlier, 185)");

        // Questions propose nothing; every answer is stored, in both tables, and priced in llm_usage_logs.
        foreach (var answer in new[] { health, billing, renewal, people, usage }) answer["approvals"]!.AsArray().ShouldBeEmpty();
        var messages = await ListAsync(h, $"agent_messages?session_id={session}&limit=100");
        messages.Count(m => m!["role"]!.GetValue<string>() == "user").ShouldBe(5);
        messages.Count(m => m!["role"]!.GetValue<string>() == "assistant" && !m["thinking"]!.GetValue<bool>()).ShouldBe(5);
        messages.Count(m => m!["thinking"]!.GetValue<bool>()).ShouldBe(5);
        var chat = await ListAsync(h, $"chat_messages?session_id={session}&limit=100");
        chat.Count.ShouldBe(10);
        chat.ShouldAllBe(m => m!["customer_id"]!.GetValue<string>() == a.CustomerId.ToString());
        var usageLogs = await ListAsync(h, "llm_usage_logs?workflow_name=copilot&limit=100");
        usageLogs.Count.ShouldBe(5);
        usageLogs.ShouldAllBe(u => u!["node_name"]!.GetValue<string>() == "answer" && u["model"]!.GetValue<string>() == "clientele-builtin-1"
            && u["prompt_tokens"]!.GetValue<int>() > 100 && u["completion_tokens"]!.GetValue<int>() > 10);
        health["model"]!["prompt_tokens"]!.GetValue<int>().ShouldBeGreaterThan(100);
    }

    [Fact]
    public async Task Every_step_is_in_the_activity_log_with_its_duration_and_parent()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var answer = await AskAsync(h, session, "Apply a $250 goodwill credit for the late invoices");
        var approvalId = OnlyApproval(answer, "apply_credit")["id"]!.GetValue<string>();
        (await h.PostJsonAsync($"/api/v1/approvals/{approvalId}/approve", new { comment = "ok" })).Status.ShouldBe(HttpStatusCode.OK);

        var steps = await ListAsync(h, $"agent_activity_log?session_id={session}&limit=100");
        JsonNode Step(string type) => steps.Single(s => s!["action_type"]!.GetValue<string>() == type)!;
        string? Parent(JsonNode s) => s["parent_action_id"]?.GetValue<string>();
        var root = Step("answer_question");
        Parent(root).ShouldBeNull();
        root["id"]!.GetValue<string>().ShouldBe(answer["activity_id"]!.GetValue<string>());
        foreach (var child in new[] { "gather_context", "model_call", "propose_actions" }) Parent(Step(child)).ShouldBe(root["id"]!.GetValue<string>(), child);
        var request = Step("request_approval");
        Parent(request).ShouldBe(Step("propose_actions")["id"]!.GetValue<string>());
        var approve = Step("approve");
        Parent(approve).ShouldBe(request["id"]!.GetValue<string>());
        Parent(Step("execute_apply_credit")).ShouldBe(approve["id"]!.GetValue<string>());
        foreach (var s in steps)
        {
            s!["status"]!.GetValue<string>().ShouldBe("completed", s.ToJsonString());
            s["agent_type"]!.GetValue<string>().ShouldBe("copilot");
            s["duration_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
            DateTimeOffset.Parse(s["completed_at"]!.GetValue<string>(), C).ShouldBeGreaterThanOrEqualTo(DateTimeOffset.Parse(s["started_at"]!.GetValue<string>(), C));
            s["customer_id"]!.GetValue<string>().ShouldBe(a.CustomerId.ToString());
        }
        Step("gather_context")["result_data"]!["overdue_invoices"]!.GetValue<int>().ShouldBe(2);
        Step("model_call")["result_data"]!["model"]!.GetValue<string>().ShouldBe("clientele-builtin-1");
        // The whole turn takes at least as long as its model call.
        root["duration_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(Step("model_call")["duration_ms"]!.GetValue<int>());
    }

    // ---- proposals and approvals ---------------------------------------------------------------

    [Fact]
    public async Task A_proposed_credit_waits_for_approval_runs_once_approved_and_only_once()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var answer = await AskAsync(h, session, "Apply a $250 goodwill credit for the late invoices");
        answer["question_type"]!.GetValue<string>().ShouldBe("apply_credit");
        Content(answer).ShouldContain("I proposed a $250.00 goodwill credit for Acme Logistics");
        var approval = OnlyApproval(answer, "apply_credit");
        var id = approval["id"]!.GetValue<string>();
        approval["session_id"]!.GetValue<string>().ShouldBe(session.ToString());
        approval["metadata"]!["proposal"]!["amount"]!.GetValue<decimal>().ShouldBe(250m);
        approval["metadata"]!["proposal"]!["reason"]!.GetValue<string>().ShouldBe("the late invoices");
        answer["message"]!["requires_approval"]!.GetValue<bool>().ShouldBeTrue();
        answer["message"]!["tool_calls"]![0]!["approval_id"]!.GetValue<string>().ShouldBe(id);

        // Nothing ran yet.
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).ShouldBeEmpty();
        // Decisions only through /approve and /reject.
        (await h.PatchJsonAsync($"/api/v1/approvals/{id}", new { status = "approved" })).ShouldBeProblem(405);
        (await h.PostJsonAsync("/api/v1/approvals", new { action = "apply_credit", status = "pending" })).ShouldBeProblem(405);

        var approved = await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { comment = "Fair, they were billed twice" });
        approved.Status.ShouldBe(HttpStatusCode.OK, approved.Json?.ToJsonString());
        approved.Json!["status"]!.GetValue<string>().ShouldBe("executed");
        approved.Json["resolved_by"]!.GetValue<string>().ShouldBe(a.Tenant.UserId.ToString());
        approved.Json["comment"]!.GetValue<string>().ShouldBe("Fair, they were billed twice");
        var creditId = approved.Json["metadata"]!["execution"]!["result"]!["credit_id"]!.GetValue<string>();
        var credits = await ListAsync(h, $"credits?customer_id={a.CustomerId}");
        credits.Count.ShouldBe(1);
        credits[0]!["id"]!.GetValue<string>().ShouldBe(creditId);
        credits[0]!["amount"]!.GetValue<decimal>().ShouldBe(250m);
        credits[0]!["credit_type"]!.GetValue<string>().ShouldBe("goodwill");
        credits[0]!["extra_metadata"]!["approval_id"]!.GetValue<string>().ShouldBe(id);

        // Decided once: a second approve or a late reject is a 409 and runs nothing again.
        (await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(409);
        (await h.PostJsonAsync($"/api/v1/approvals/{id}/reject", new { comment = "changed my mind" })).ShouldBeProblem(409);
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).Count.ShouldBe(1);

        // The audit trail: proposal, decision, execution, and the credit itself.
        var audit = await ListAsync(h, $"audit_logs?entity_type=approvals&entity_id={id}&limit=10");
        audit.Select(x => x!["action"]!.GetValue<string>()).Order().ShouldBe(["create", "update", "update"]);
        audit.Where(x => x!["action"]!.GetValue<string>() == "update").Select(x => x!["changes"]!["after"]!["status"]!.GetValue<string>()).Order()
            .ShouldBe(["approved", "executed"]);
        (await ListAsync(h, $"audit_logs?entity_type=credits&entity_id={creditId}")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Racing_approvers_run_the_action_once_and_a_retried_request_replays()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var id = OnlyApproval(await AskAsync(h, session, "Apply a $75 credit"), "apply_credit")["id"]!.GetValue<string>();
        var second = await f.KeyClientAsync(a.Tenant, "read", "write");
        var race = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? h : second).PostJsonAsync($"/api/v1/approvals/{id}/approve", new { comment = $"go {i}" })));
        race.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        race.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(5);
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).Count.ShouldBe(1);

        // The same request with its Idempotency-Key gets the first answer again, not a 409.
        var next = OnlyApproval(await AskAsync(h, session, "Apply a $80 credit"), "apply_credit")["id"]!.GetValue<string>();
        void Key(HttpRequestMessage m) => m.Headers.Add("Idempotency-Key", "approve-" + next);
        var once = await h.PostJsonAsync($"/api/v1/approvals/{next}/approve", new { }, Key);
        var replay = await h.PostJsonAsync($"/api/v1/approvals/{next}/approve", new { }, Key);
        once.Status.ShouldBe(HttpStatusCode.OK);
        replay.Status.ShouldBe(HttpStatusCode.OK);
        replay.Json!["status"]!.GetValue<string>().ShouldBe("executed");
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_rejected_proposal_runs_nothing()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var answer = await AskAsync(h, session, "Create a task to call Dana about the overdue invoices");
        var approval = OnlyApproval(answer, "create_task");
        approval["metadata"]!["proposal"]!["title"]!.GetValue<string>().ShouldBe("Call Dana about the overdue invoices");
        var id = approval["id"]!.GetValue<string>();

        (await h.PostJsonAsync($"/api/v1/approvals/{id}/reject", new { })).ShouldBeProblem(422, "comment");
        var rejected = await h.PostJsonAsync($"/api/v1/approvals/{id}/reject", new { comment = "Dana is on leave" });
        rejected.Status.ShouldBe(HttpStatusCode.OK, rejected.Json?.ToJsonString());
        rejected.Json!["status"]!.GetValue<string>().ShouldBe("rejected");
        rejected.Json["comment"]!.GetValue<string>().ShouldBe("Dana is on leave");
        rejected.Json["resolved_at"].ShouldNotBeNull();
        (await ListAsync(h, $"customer_notes?customer_id={a.CustomerId}&note_type=task")).ShouldBeEmpty();
        (await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(409);
        (await ListAsync(h, $"customer_notes?customer_id={a.CustomerId}&note_type=task")).ShouldBeEmpty();
        (await ListAsync(h, $"agent_activity_log?session_id={session}&action_type=reject")).Count.ShouldBe(1);

        // The same proposal approved in another turn becomes a task note.
        var again = OnlyApproval(await AskAsync(h, session, "Create a task to call Dana about the overdue invoices"), "create_task");
        var done = await h.PostJsonAsync($"/api/v1/approvals/{again["id"]!.GetValue<string>()}/approve", new { });
        done.Json!["status"]!.GetValue<string>().ShouldBe("executed");
        var tasks = await ListAsync(h, $"customer_notes?customer_id={a.CustomerId}&note_type=task");
        tasks.Count.ShouldBe(1);
        tasks[0]!["content"]!.GetValue<string>().ShouldStartWith("Call Dana about the overdue invoices");
        tasks[0]!["extra_metadata"]!["task"]!["status"]!.GetValue<string>().ShouldBe("open");
    }

    [Fact]
    public async Task Next_steps_propose_actions_and_nothing_runs_before_approval()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var answer = await AskAsync(h, session, "What should I do to save this account?");
        answer["question_type"]!.GetValue<string>().ShouldBe("next_steps");
        Content(answer).ShouldContain("Collect the overdue money: 2 overdue invoices ($4,200.00, oldest 40 days)");
        Content(answer).ShouldContain("champion Sam Poe left");
        var approvals = answer["approvals"]!.AsArray();
        approvals.Select(x => x!["action"]!.GetValue<string>()).ShouldBe(["create_task", "send_email", "schedule_meeting"]);
        approvals.ShouldAllBe(x => x!["status"]!.GetValue<string>() == "pending");
        approvals[1]!["metadata"]!["proposal"]!["to"]!.GetValue<string>().ShouldBe(a.DanaEmail);
        var meeting = approvals[2]!["metadata"]!["proposal"]!;
        meeting["title"]!.GetValue<string>().ShouldBe("QBR: Acme Logistics");
        DateTimeOffset.Parse(meeting["start"]!.GetValue<string>(), C).ShouldBeGreaterThan(DateTimeOffset.UtcNow);

        // The meeting also waits as a Google approval, with an expiry.
        var google = await ListAsync(h, $"google_pending_approvals?customer_id={a.CustomerId}");
        google.Count.ShouldBe(1);
        google[0]!["status"]!.GetValue<string>().ShouldBe("pending");
        google[0]!["action_type"]!.GetValue<string>().ShouldBe("create_calendar_event");
        google[0]!["action_data"]!["approval_id"]!.GetValue<string>().ShouldBe(approvals[2]!["id"]!.GetValue<string>());
        DateTimeOffset.Parse(google[0]!["expires_at"]!.GetValue<string>(), C).ShouldBeGreaterThan(DateTimeOffset.UtcNow);

        (await ListAsync(h, $"customer_notes?customer_id={a.CustomerId}&note_type=task")).ShouldBeEmpty();
        (await ListAsync(h, $"meetings?customer_id={a.CustomerId}")).ShouldBeEmpty();
        (await ListAsync(h, "conversations")).ShouldBeEmpty();
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_google_approval_cannot_be_approved()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var approval = OnlyApproval(await AskAsync(h, session, "Schedule a health check call with Dana"), "schedule_meeting");
        var id = approval["id"]!.GetValue<string>();
        approval["metadata"]!["proposal"]!["attendee_email"]!.GetValue<string>().ShouldBe(a.DanaEmail);
        var googleId = Guid.Parse(approval["metadata"]!["google_pending_approval_id"]!.GetValue<string>());
        await ExecAsync("UPDATE google_pending_approvals SET expires_at = now() - interval '1 minute' WHERE id = $1", googleId);

        (await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(410);
        (await h.GetJsonAsync($"/api/v1/approvals/{id}")).Json!["status"]!.GetValue<string>().ShouldBe("expired");
        (await h.GetJsonAsync($"/api/v1/google_pending_approvals/{googleId}")).Json!["status"]!.GetValue<string>().ShouldBe("expired");
        (await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(410);
        (await ListAsync(h, $"meetings?customer_id={a.CustomerId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_approved_meeting_is_booked_on_the_google_calendar()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var account = GoogleFixture.Account();
        await f.ConnectAsync(h, account);
        var session = await SessionAsync(h, a.CustomerId);
        var approval = OnlyApproval(await AskAsync(h, session, "Schedule a health check call with Dana"), "schedule_meeting");
        f.Google.CalendarOf(account).Events.ShouldBeEmpty();

        var approved = await h.PostJsonAsync($"/api/v1/approvals/{approval["id"]!.GetValue<string>()}/approve", new { });
        approved.Status.ShouldBe(HttpStatusCode.OK, approved.Json?.ToJsonString());
        approved.Json!["status"]!.GetValue<string>().ShouldBe("executed", approved.Json.ToJsonString());
        var result = approved.Json["metadata"]!["execution"]!["result"]!;
        result["meeting_url"]!.GetValue<string>().ShouldStartWith("https://");
        f.Google.CalendarOf(account).Events.Count.ShouldBe(1);
        var meeting = (await h.GetJsonAsync($"/api/v1/meetings/{result["meeting_id"]!.GetValue<string>()}")).Json!;
        meeting["customer_id"]!.GetValue<string>().ShouldBe(a.CustomerId.ToString());
        meeting["session_id"]!.GetValue<string>().ShouldBe(session.ToString());
        meeting["title"]!.GetValue<string>().ShouldBe("Health check: Acme Logistics");
        var google = await h.GetJsonAsync($"/api/v1/google_pending_approvals/{approval["metadata"]!["google_pending_approval_id"]!.GetValue<string>()}");
        google.Json!["status"]!.GetValue<string>().ShouldBe("executed");
        google.Json["decided_by"]!.GetValue<string>().ShouldBe(a.Tenant.UserId.ToString());
    }

    [Fact]
    public async Task An_approved_email_needs_an_email_channel_and_then_goes_out_through_the_outbox()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var first = OnlyApproval(await AskAsync(h, session, "Send Dana an email about the overdue invoices"), "send_email");
        first["metadata"]!["proposal"]!["subject"]!.GetValue<string>().ShouldBe("Your open invoices");
        first["metadata"]!["proposal"]!["body"]!.GetValue<string>().ShouldContain("2 overdue invoices totalling $4,200.00");

        // No email channel yet: the approval ends failed with the reason, and nothing is queued.
        var failed = await h.PostJsonAsync($"/api/v1/approvals/{first["id"]!.GetValue<string>()}/approve", new { });
        failed.Status.ShouldBe(HttpStatusCode.OK);
        failed.Json!["status"]!.GetValue<string>().ShouldBe("failed");
        failed.Json["metadata"]!["execution"]!["error"]!.GetValue<string>().ShouldContain("no email channel");
        (await ListAsync(h, "conversations")).ShouldBeEmpty();
        (await ListAsync(h, $"agent_activity_log?session_id={session}&action_type=execute_send_email")).Single()!["status"]!.GetValue<string>().ShouldBe("failed");

        var address = $"success-{Guid.NewGuid():N}"[..20] + "@acme.test";
        (await h.PostJsonAsync("/api/v1/phone_numbers", new { platform = "email", meta_phone_number_id = address, display_name = "Success" })).Status.ShouldBe(HttpStatusCode.Created);
        var second = OnlyApproval(await AskAsync(h, session, "Send Dana an email about the overdue invoices"), "send_email");
        var sent = await h.PostJsonAsync($"/api/v1/approvals/{second["id"]!.GetValue<string>()}/approve", new { });
        sent.Json!["status"]!.GetValue<string>().ShouldBe("executed", sent.Json.ToJsonString());
        var result = sent.Json["metadata"]!["execution"]!["result"]!;
        var conversation = (await h.GetJsonAsync($"/api/v1/conversations/{result["conversation_id"]!.GetValue<string>()}")).Json!;
        conversation["customer_id"]!.GetValue<string>().ShouldBe(a.CustomerId.ToString());
        conversation["customer_phone"]!.GetValue<string>().ShouldBe(a.DanaEmail);
        conversation["assigned_to"]!.GetValue<string>().ShouldBe(a.Tenant.UserId.ToString());
        var mail = await Eventually.GetAsync(() => Task.FromResult(f.Smtp.Messages.Where(m => m.Body.Contains("$4,200.00", StringComparison.Ordinal)).ToList()),
            l => l.Count > 0, what: "the copilot's email at the SMTP relay");
        mail[0].Body.ShouldContain("Hi Dana,");
        await Eventually.GetAsync(async () => (await h.GetJsonAsync($"/api/v1/messages/{result["message_id"]!.GetValue<string>()}")).Json!["status"]!.GetValue<string>(),
            s => s == "sent", what: "the message marked sent");
    }

    [Fact]
    public async Task Answers_about_the_demo_organizations_customers_from_their_data()
    {
        var t = await f.SignupAsync();
        await Clientele.Platform.Demo.DemoSeeder.FillAsync(f.App.Services, t.OrganizationId, t.UserId, CancellationToken.None);
        var customers = await ListAsync(t.Http, "customers?stage=at_risk&order=-mrr&limit=3");
        customers.Count.ShouldBeGreaterThan(0);
        foreach (var c in customers)
        {
            var id = Guid.Parse(c!["id"]!.GetValue<string>());
            var session = await SessionAsync(t.Http, id);
            var overview = await AskAsync(t.Http, session, "Give me a summary of this account");
            overview["question_type"]!.GetValue<string>().ShouldBe("overview");
            Content(overview).ShouldContain($"{c["health_score"]!.GetValue<int>()}/100");
            var steps = await AskAsync(t.Http, session, "What should I do next?");
            steps["question_type"]!.GetValue<string>().ShouldBe("next_steps");
            Content(steps).ShouldStartWith("Recommended next steps for ");
            foreach (var q in new[] { "Any invoices overdue?", "Who are the stakeholders?", "How is usage trending?", "When is the renewal?",
                         "Any expansion opportunities?", "How are the support conversations going?" })
                Content(await AskAsync(t.Http, session, q)).Length.ShouldBeGreaterThan(20, q);
        }
    }

    // ---- roles and tenants ---------------------------------------------------------------------

    [Fact]
    public async Task Viewers_cannot_use_the_copilot_or_decide_and_other_tenants_see_nothing()
    {
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var id = OnlyApproval(await AskAsync(h, session, "Apply a $100 credit"), "apply_credit")["id"]!.GetValue<string>();

        var viewer = await f.KeyClientAsync(a.Tenant, "read");
        (await viewer.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(403);
        (await viewer.PostJsonAsync($"/api/v1/approvals/{id}/reject", new { comment = "no" })).ShouldBeProblem(403);
        (await viewer.PostJsonAsync("/api/v1/agent_sessions", new { customer_id = a.CustomerId })).ShouldBeProblem(403);
        (await viewer.PostJsonAsync($"/api/v1/agent_sessions/{session}/messages", new { content = "How healthy is Acme?" })).ShouldBeProblem(403);
        (await viewer.GetJsonAsync($"/api/v1/approvals/{id}")).Json!["status"]!.GetValue<string>().ShouldBe("pending");

        var other = await f.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).ShouldBeProblem(404);
        (await other.Http.PostJsonAsync($"/api/v1/approvals/{id}/reject", new { comment = "mine now" })).ShouldBeProblem(404);
        (await other.Http.GetJsonAsync($"/api/v1/approvals/{id}")).ShouldBeProblem(404);
        (await other.Http.GetJsonAsync($"/api/v1/agent_sessions/{session}")).ShouldBeProblem(404);
        (await other.Http.PostJsonAsync($"/api/v1/agent_sessions/{session}/messages", new { content = "How healthy is Acme?" })).ShouldBeProblem(404);
        (await other.Http.PostJsonAsync("/api/v1/agent_sessions", new { customer_id = a.CustomerId })).ShouldBeProblem(422, "customer_id");
        (await ListAsync(other.Http, "agent_activity_log")).ShouldBeEmpty();

        // The decision is still open for the owner, and the generic list and get of sessions work.
        (await h.PostJsonAsync($"/api/v1/approvals/{id}/approve", new { })).Json!["status"]!.GetValue<string>().ShouldBe("executed");
        (await ListAsync(h, $"agent_sessions?customer_id={a.CustomerId}")).Single()!["id"]!.GetValue<string>().ShouldBe(session.ToString());
        (await h.PostJsonAsync("/api/v1/agent_sessions", new { })).ShouldBeProblem(422, "customer_id");
        (await h.PostJsonAsync($"/api/v1/agent_sessions/{session}/messages", new { content = "" })).ShouldBeProblem(422, "content");
    }
}
