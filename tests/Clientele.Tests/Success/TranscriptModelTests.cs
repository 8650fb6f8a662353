using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 8 with Ai__Provider=openai against the fake Chat Completions server: the model reads the transcript, the built-in analyzer stands in when it fails.</summary>
public sealed class TranscriptModelTests(AiGatewayFixture f) : IClassFixture<AiGatewayFixture>
{
    private const string Call = """
        Maria Lopez: Thanks for joining, Dana. How are the weekly reports working for your team?
        Dana Reyes: Honestly the exports keep timing out and my managers are frustrated.
        Maria Lopez: I will send you the fix plan by Friday.
        """;

    [Fact]
    public async Task The_configured_model_reads_the_transcript_and_a_failed_call_leaves_the_built_in_reading()
    {
        f.OpenAi.Reset();
        var t = await f.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { name = "Harbor Freight" });
        (await t.Http.PostJsonAsync("/api/v1/customer_contacts", new { customer_id = customer, name = "Dana Reyes", title = "VP Operations", email = "dana@harbor.test" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var m = await t.Http.PostJsonAsync("/api/v1/meetings", new { title = "Check-in", customer_id = customer, scheduled_at = DateTime.UtcNow.AddDays(-1).ToString("o"), status = "completed" });
        var meeting = m.Json!["id"]!.GetValue<string>();
        var answer = new JsonObject
        {
            ["summary"] = "Dana's managers are frustrated by export timeouts; Maria promised a fix plan by Friday. Dana said they are also trialling Gainsight.",
            ["overall_sentiment"] = "negative",
            ["sentiment_score"] = -45,
            ["action_items"] = new JsonArray(new JsonObject { ["item"] = "Send the fix plan", ["owner"] = "Maria Lopez", ["due"] = "2026-12-04" }),
            ["risk_signals"] = new JsonArray(new JsonObject { ["type"] = "dissatisfaction", ["severity"] = "high", ["signal"] = "my managers are frustrated", ["speaker"] = "Dana Reyes" }),
            ["risk_level"] = "high",
            ["expansion_potential"] = "none",
            ["stakeholder_insights"] = new JsonArray(new JsonObject { ["name"] = "Dana Reyes", ["stance"] = "negative" }, new JsonObject { ["notes"] = "nobody" }),
            ["competitor_mentions"] = new JsonArray(new JsonObject { ["name"] = "Gainsight", ["quote"] = "trialling Gainsight", ["speaker"] = "Dana Reyes" }),
            ["confidence"] = 140,
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = "```json\n" + answer.ToJsonString() + "\n```", PromptTokens = 300, CompletionTokens = 120 });

        var res = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = Call });
        res.Status.ShouldBe(HttpStatusCode.Created, res.Json?.ToJsonString());
        var a = res.Json!["analysis"]!;
        a["summary"]!.GetValue<string>().ShouldStartWith("Dana's managers are frustrated");
        a["overall_sentiment"]!.GetValue<string>().ShouldBe("negative");
        a["sentiment_score"]!.GetValue<int>().ShouldBe(-45);
        a["risk_level"]!.GetValue<string>().ShouldBe("high");
        a["confidence"]!.GetValue<int>().ShouldBe(100); // clamped to the column's range
        a["competitor_mentions"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ShouldBe(["Gainsight"]);
        var stakeholder = a["stakeholder_insights"]!.AsArray().Single()!; // the entry without a name is dropped
        stakeholder["contact_id"].ShouldNotBeNull(); // matched to the customer's contact like the built-in's
        res.Json!["transcript"]!["metadata"]!["analyzed_by"]!.GetValue<string>().ShouldBe("gpt-4o-mini");

        // What the model was sent: the speakers' lines and a JSON response format; the call is in the usage ledger.
        var request = f.OpenAi.Requests.Single();
        request.Messages[^1]!["content"]!.GetValue<string>().ShouldContain("Dana Reyes: Honestly the exports keep timing out");
        request.Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_object");
        var usage = (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs?workflow_name=transcripts")).Json!["data"]!.AsArray().Single()!;
        usage["completion_tokens"]!.GetValue<int>().ShouldBe(120);
        // The model's competitor reaches the risk signals.
        var risk = (await t.Http.GetJsonAsync($"/api/v1/risk_signals?customer_id={customer}&signal_type=competitor_mention")).Json!["data"]!.AsArray().Single()!;
        risk["resolved_at"].ShouldBeNull();

        // The provider fails: the built-in analyzer's reading is stored (no competitor in its reading), with the reason.
        f.OpenAi.FailNext(4, 500);
        var again = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = Call });
        again.Status.ShouldBe(HttpStatusCode.Created, again.Json?.ToJsonString());
        again.Json!["transcript"]!["metadata"]!["analyzed_by"]!.GetValue<string>().ShouldBe("builtin");
        again.Json!["transcript"]!["metadata"]!["fallback_reason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        again.Json!["analysis"]!["summary"]!.GetValue<string>().ShouldNotStartWith("Dana's managers are frustrated");
        again.Json!["analysis"]!["competitor_mentions"]!.AsArray().ShouldBeEmpty();
        (await t.Http.GetJsonAsync($"/api/v1/risk_signals?customer_id={customer}&signal_type=competitor_mention")).Json!["data"]!.AsArray().Single()!["resolved_at"].ShouldNotBeNull();

        // An answer that is not the analysis (the fake's default sentence) also leaves the built-in reading.
        var third = await t.Http.PostJsonAsync($"/api/v1/meetings/{meeting}/transcript", new { content = Call });
        third.Json!["transcript"]!["metadata"]!["fallback_reason"]!.GetValue<string>().ShouldContain("not the analysis JSON");
    }
}
