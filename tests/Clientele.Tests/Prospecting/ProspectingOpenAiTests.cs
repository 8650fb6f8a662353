using System.Text.Json.Nodes;
using Clientele.Tests.Billing;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Prospecting;

/// <summary>Research and drafts with Ai__Provider=openai against the fake Chat Completions server: the model writes, citations are checked, every call logged.</summary>
public sealed class ProspectingOpenAiTests(ProspectingAiFixture f) : IClassFixture<ProspectingAiFixture>
{
    [Fact]
    public async Task The_model_writes_from_the_numbered_facts_and_what_it_cannot_source_is_dropped()
    {
        f.OpenAi.Reset();
        var t = await f.SignupAsync();
        var h = t.Http;
        var x = await ProspectingScenario.CreateAsync(h);
        var research = new JsonObject
        {
            ["summary"] = "Ana runs e-commerce at Brightcart and wants WhatsApp.",
            ["insights"] = new JsonArray(
                new JsonObject { ["text"] = "Brightcart is mid-sized retail.", ["fact"] = "F1" },
                new JsonObject { ["text"] = "They raised $50M last month.", ["fact"] = "F99" }),
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = "```json\n" + research.ToJsonString() + "\n```", PromptTokens = 900, CompletionTokens = 60 });

        var r = await h.PostOkAsync($"/api/v1/prospects/{x.Prospect}/research", null, 201);
        r.Str("research_summary").ShouldBe("Ana runs e-commerce at Brightcart and wants WhatsApp.");
        var insight = r["key_insights"]!.AsArray().Single()!;   // the unsourced claim is gone
        insight.Str("text").ShouldBe("Brightcart is mid-sized retail.");
        insight["source"]!.Str("table").ShouldBe("companies");
        insight["source"]!.Str("id").ShouldBe(x.Company.ToString());
        r["recommended_solutions"]![0]!.Str("name").ShouldBe("WhatsApp Commerce"); // the ranking is the data's, not the model's

        var request = f.OpenAi.Requests.Single();
        request.Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_object");
        var user = request.Messages[^1]!["content"]!.GetValue<string>();
        user.ShouldContain("FACTS (JSON):");
        user.ShouldContain("Wants a demo");

        // A draft: a citation whose quote is not in the body, or whose fact is unknown, is dropped.
        var draft = new JsonObject
        {
            ["subject"] = "WhatsApp for Brightcart",
            ["body"] = "Hi Ana,\n\nThanks for the call about support volumes. See you in Amsterdam?",
            ["citations"] = new JsonArray(
                new JsonObject { ["quote"] = "Thanks for the call about support volumes.", ["fact"] = "F4" },
                new JsonObject { ["quote"] = "We saved Acme 40%.", ["fact"] = "F1" },
                new JsonObject { ["quote"] = "See you in Amsterdam?", ["fact"] = "F77" }),
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = draft.ToJsonString(), PromptTokens = 700, CompletionTokens = 90 });
        var d = await h.PostOkAsync($"/api/v1/prospects/{x.Prospect}/outreach_drafts", new { draft_type = "email" }, 201);
        d.Str("subject").ShouldBe("WhatsApp for Brightcart");
        var cited = d["citations"]!.AsArray().Single()!;
        cited.Str("quote").ShouldBe("Thanks for the call about support volumes.");
        cited["source"]!.Str("id").ShouldBe(x.Interaction.ToString());

        var logs = (await h.GetOkAsync("/api/v1/llm_usage_logs?limit=10"))["data"]!.AsArray();
        logs.Count.ShouldBe(2);
        logs.ShouldContain(l => l!.Str("workflow_name") == "prospect_research" && l!["prompt_tokens"]!.GetValue<int>() == 900 && l!.Str("model") == "gpt-4o-mini");
        logs.ShouldContain(l => l!.Str("workflow_name") == "outreach_draft" && l!.Str("node_name") == "email" && l!["completion_tokens"]!.GetValue<int>() == 90);
    }
}
