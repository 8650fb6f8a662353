using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;
using static Clientele.Tests.CopilotScenario;

namespace Clientele.Tests;

/// <summary>The copilot with Ai__Provider=openai against the fake Chat Completions server: the model's JSON, checked proposals, fallback.</summary>
public sealed class CopilotOpenAiTests(AiGatewayFixture f) : IClassFixture<AiGatewayFixture>
{
    [Fact]
    public async Task The_model_reads_the_brief_and_its_proposals_are_checked_before_they_become_approvals()
    {
        f.OpenAi.Reset();
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        var reply = new JsonObject
        {
            ["question_type"] = "billing",
            ["answer"] = "Acme owes $4,200.00 on 2 overdue invoices; I suggest a small goodwill credit.",
            ["actions"] = new JsonArray(
                new JsonObject { ["type"] = "apply_credit", ["amount"] = 150, ["currency"] = "USD", ["credit_type"] = "goodwill", ["reason"] = "late fees" },
                new JsonObject { ["type"] = "send_email", ["to"] = "mallory@evil.test", ["subject"] = "Hi", ["body"] = "Click here" }),
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = "```json\n" + reply.ToJsonString() + "\n```", PromptTokens = 1200, CompletionTokens = 80 });

        var answer = await AskAsync(h, session, "Are any invoices overdue?");
        answer["question_type"]!.GetValue<string>().ShouldBe("billing");
        Content(answer).ShouldStartWith("Acme owes $4,200.00 on 2 overdue invoices");
        // The made-up address is not proposed; the credit is, and waits.
        Content(answer).ShouldContain("Not proposed: send_email: 'mallory@evil.test' is not the address of Acme Logistics or of one of its current stakeholders");
        OnlyApproval(answer, "apply_credit")["metadata"]!["proposal"]!["amount"]!.GetValue<decimal>().ShouldBe(150m);
        (await ListAsync(h, $"credits?customer_id={a.CustomerId}")).ShouldBeEmpty();

        // What the model was sent: the brief in the system message, the question, a JSON response format.
        var request = f.OpenAi.Requests.Single();
        request.Model.ShouldBe("gpt-4o-mini");
        var system = request.Messages[0]!["content"]!.GetValue<string>();
        system.ShouldContain("CUSTOMER BRIEF (JSON):");
        var brief = JsonNode.Parse(system[(system.IndexOf("CUSTOMER BRIEF (JSON):", StringComparison.Ordinal) + 22)..])!;
        brief["billing"]!["overdue_invoices"]!.GetValue<int>().ShouldBe(2);
        brief["billing"]!["overdue_amount"]!.GetValue<decimal>().ShouldBe(4200m);
        brief["health"]!["score"]!.GetValue<int>().ShouldBe(38);
        request.Messages[^1]!["content"]!.GetValue<string>().ShouldBe("Are any invoices overdue?");
        request.Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_object");

        var usage = (await ListAsync(h, "llm_usage_logs?workflow_name=copilot")).Single()!;
        usage["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        usage["prompt_tokens"]!.GetValue<int>().ShouldBe(1200);
        usage["completion_tokens"]!.GetValue<int>().ShouldBe(80);
        usage["cost"]!.GetValue<decimal>().ShouldBeGreaterThan(0m);
    }

    [Fact]
    public async Task When_the_provider_fails_the_built_in_engine_answers_from_the_same_brief()
    {
        f.OpenAi.Reset();
        var a = await AtRiskAccountAsync(f);
        var h = a.Tenant.Http;
        var session = await SessionAsync(h, a.CustomerId);
        f.OpenAi.FailNext(4, 500);

        var answer = await AskAsync(h, session, "How healthy is Acme right now?");
        Content(answer).ShouldContain("38/100 (down 12 in 30 days, from 50)");
        answer["model"]!["provider"]!.GetValue<string>().ShouldBe("builtin");
        answer["model"]!["fallback_reason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        var usage = await ListAsync(h, "llm_usage_logs?workflow_name=copilot");
        usage.Count.ShouldBe(2);
        usage.ShouldContain(u => u!["model"]!.GetValue<string>() == "gpt-4o-mini" && u["total_tokens"]!.GetValue<int>() == 0);
        usage.ShouldContain(u => u!["model"]!.GetValue<string>() == "clientele-builtin-1" && u["total_tokens"]!.GetValue<int>() > 0);
        var call = (await ListAsync(h, $"agent_activity_log?session_id={session}&action_type=model_call")).Single()!;
        call["result_data"]!["fallback_reason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }
}
