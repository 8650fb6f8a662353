using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 5 with a model configured (Ai__Provider=openai against the fake Chat
/// Completions server): the model's reading is used when it validates, checked like any trigger,
/// and replaced by the built-in reading (saying why) when it does not or the model is down.</summary>
public sealed class AutomationsOpenAiTests(AiGatewayFixture f) : IClassFixture<AiGatewayFixture>
{
    private const string Sentence = "When a customer's health drops below 40, notify me and propose the save playbook";

    private static async Task<JsonNode> PreviewAsync(AppFixture.Tenant t, string sentence)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/automations/preview", new { nl_description = sentence });
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        return r.Json!;
    }

    [Fact]
    public async Task The_models_valid_reading_is_previewed_enabled_and_logged()
    {
        f.OpenAi.Reset();
        var t = await f.SignupAsync();
        var reading = new JsonObject
        {
            ["type"] = "trigger", ["name"] = "Health under 40",
            ["trigger"] = new JsonObject { ["event"] = "customer.health_changed", ["all"] = new JsonArray(new JsonObject { ["path"] = "customer.health_score", ["op"] = "lt", ["value"] = 40 }) },
            ["steps"] = new JsonArray(new JsonObject { ["type"] = "notify", ["owner"] = true }, new JsonObject { ["type"] = "propose_save_play", ["playbook"] = "Executive sponsor call" }),
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = "Here it is:\n" + reading.ToJsonString(), PromptTokens = 600, CompletionTokens = 90 });

        var preview = await PreviewAsync(t, Sentence);
        preview["engine"]!.GetValue<string>().ShouldBe("gpt-4o-mini", preview.ToJsonString());
        preview["trigger"]!["event"]!.GetValue<string>().ShouldBe("customer.health_changed"); // the model's, not the parser's customer.updated
        preview["steps"]![1]!["playbook"]!.GetValue<string>().ShouldBe("Executive sponsor call");
        preview["explanation"]![0]!.GetValue<string>().ShouldContain("read by the model");

        // What the model was asked: the sentence, with the action and condition vocabulary in the instructions.
        var request = f.OpenAi.Requests.Single();
        request.Messages[^1]!["content"]!.GetValue<string>().ShouldBe(Sentence);
        request.Messages[0]!["content"]!.GetValue<string>().ShouldContain("propose_save_play");

        // Saving reads the sentence again (the model answers the same); enabling runs what was previewed as a trigger.
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = reading.ToJsonString() });
        var created = await t.Http.PostJsonAsync("/api/v1/automations", new { nl_description = Sentence });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        created.Json!["preview"]!["engine"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        (await t.Http.PostJsonAsync($"/api/v1/automations/{created.Json["id"]!.GetValue<string>()}/enable", new { })).Status.ShouldBe(HttpStatusCode.OK);
        var trigger = (await t.Http.GetJsonAsync("/api/v1/triggers")).Json!["data"]!.AsArray().Single()!;
        trigger["condition"]!["event"]!.GetValue<string>().ShouldBe("customer.health_changed");
        trigger["enabled"]!.GetValue<bool>().ShouldBeTrue();

        var usage = (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs?workflow_name=automation.parse")).Json!["data"]!.AsArray();
        usage.Count.ShouldBe(2);
        usage.Select(u => u!["prompt_tokens"]!.GetValue<int>()).ShouldContain(600);
    }

    [Fact]
    public async Task An_invalid_reading_or_a_failing_model_falls_back_to_the_built_in_reading_and_says_why()
    {
        f.OpenAi.Reset();
        var t = await f.SignupAsync();
        // An operator the language does not have: refused by the same validation as a saved trigger.
        f.OpenAi.Enqueue(new FakeOpenAi.Reply
        {
            Content = """{"type": "trigger", "name": "x", "trigger": {"event": "customer.updated", "all": [{"path": "customer.health_score", "op": "below", "value": 40}]}, "steps": [{"type": "notify", "owner": true}]}""",
        });
        var invalid = await PreviewAsync(t, Sentence);
        invalid["engine"]!.GetValue<string>().ShouldBe("builtin");
        invalid["trigger"]!["all"]![0]!["op"]!.GetValue<string>().ShouldBe("lt");
        invalid["explanation"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(e => e.Contains("the model's reading was not valid") && e.Contains("op"));

        f.OpenAi.FailNext(4, 503); // the first try and its three retries
        var down = await PreviewAsync(t, Sentence);
        down["engine"]!.GetValue<string>().ShouldBe("builtin");
        down["explanation"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(e => e.Contains("the model could not be reached"));
        Types(down).ShouldBe(["notify", "propose_save_play"]);
    }

    private static string[] Types(JsonNode p) => [.. p["steps"]!.AsArray().Select(s => s!["type"]!.GetValue<string>())];
}
