using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Modules.Agents.Gateway;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>The model gateway with Ai__Provider=openai against a fake Chat Completions server, and llm_usage_logs.</summary>
public sealed class AiGatewayTests(AiGatewayFixture app) : IClassFixture<AiGatewayFixture>
{
    private FakeOpenAi Fake => app.OpenAi;

    private static AiCall Call(string text, ChatOptions? options = null, string workflow = "test.reply", string node = "writer") =>
        new(workflow, node, [new ChatMessage(ChatRole.System, "You are Sofia, a helpful sales agent."), new ChatMessage(ChatRole.User, text)], options);

    private static async Task<JsonArray> UsageAsync(AppFixture.Tenant t) =>
        (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs?order=created_at&limit=100")).Json!["data"]!.AsArray();

    [Fact]
    public async Task A_completion_is_sent_in_the_wire_format_and_logged_with_tokens_model_and_price()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        // OpenAI answers with a dated model name; it is priced as its base name (0.15 / 0.60 USD per 1M).
        Fake.Enqueue(new FakeOpenAi.Reply { Content = "Our premium plan is $49 per agent.", Model = "gpt-4o-mini-2024-07-18", PromptTokens = 1000, CompletionTokens = 500 });

        var result = await app.CompleteAsync(t, Call("How much is premium?", new ChatOptions { Temperature = 0.2f, MaxOutputTokens = 100 }));

        result.Text.ShouldBe("Our premium plan is $49 per agent.");
        result.Model.ShouldBe("gpt-4o-mini-2024-07-18");
        (result.PromptTokens, result.CompletionTokens).ShouldBe((1000, 500));
        result.Cost.ShouldBe(0.00045m);
        result.Response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        result.Response.Usage!.TotalTokenCount.ShouldBe(1500);
        app.Gateway.Provider.ShouldBe("openai");

        var request = Fake.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Authorization.ShouldBe("Bearer " + FakeOpenAi.ApiKey);
        request.Model.ShouldBe("gpt-4o-mini");
        request.Messages.Select(m => m!["role"]!.GetValue<string>()).ShouldBe(["system", "user"]);
        request.Messages[1]!["content"]!.ToJsonString().ShouldContain("How much is premium?");
        request.Body["temperature"]!.GetValue<double>().ShouldBe(0.2, 0.0001);
        (request.Body["max_completion_tokens"] ?? request.Body["max_tokens"])!.GetValue<int>().ShouldBe(100);

        var row = (await UsageAsync(t)).ShouldHaveSingleItem()!;
        row["workflow_name"]!.GetValue<string>().ShouldBe("test.reply");
        row["node_name"]!.GetValue<string>().ShouldBe("writer");
        row["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini-2024-07-18");
        row["prompt_tokens"]!.GetValue<int>().ShouldBe(1000);
        row["completion_tokens"]!.GetValue<int>().ShouldBe(500);
        row["total_tokens"]!.GetValue<int>().ShouldBe(1500);
        row["cost"]!.GetValue<decimal>().ShouldBe(0.00045m);
        row["latency_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        (await UsageAsync(other)).ShouldBeEmpty();

        // The ledger is written by the AI layer only.
        (await t.Http.PostJsonAsync("/api/v1/llm_usage_logs", new { workflow_name = "x", node_name = "y", model = "z", prompt_tokens = 1, completion_tokens = 1, total_tokens = 2, latency_ms = 1, cost = 0 }))
            .ShouldBeProblem(405);
        (await t.Http.DeleteAsync2($"/api/v1/llm_usage_logs/{row["id"]}")).ShouldBeProblem(405);
    }

    [Fact]
    public async Task Tool_calls_round_trip_with_parsed_arguments_and_tool_results()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"email":{"type":"string"},"seats":{"type":"integer"}},"required":["email"]}""");
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("book_demo", "Books a product demo", schema.RootElement.Clone())], ToolMode = ChatToolMode.RequireAny };
        Fake.Enqueue(new FakeOpenAi.Reply { ToolCalls = [("book_demo", """{"email":"maria@acme.test","seats":200}""")] });

        var call = Call("Book me a demo, maria@acme.test, 200 agents", options);
        var first = await app.CompleteAsync(t, call);

        var sent = Fake.Requests.ShouldHaveSingleItem().Body;
        sent["tools"]![0]!["type"]!.GetValue<string>().ShouldBe("function");
        sent["tools"]![0]!["function"]!["name"]!.GetValue<string>().ShouldBe("book_demo");
        sent["tools"]![0]!["function"]!["parameters"]!["properties"]!["seats"]!["type"]!.GetValue<string>().ShouldBe("integer");
        sent["tool_choice"]!.GetValue<string>().ShouldBe("required");

        first.Response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        var fc = first.Response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        fc.Name.ShouldBe("book_demo");
        fc.CallId.ShouldStartWith("call_fake");
        fc.Exception.ShouldBeNull();
        ((JsonElement)fc.Arguments!["email"]!).GetString().ShouldBe("maria@acme.test");
        ((JsonElement)fc.Arguments!["seats"]!).GetInt32().ShouldBe(200);

        // The tool's result goes back with the call it answers.
        var follow = new List<ChatMessage>(call.Messages) { new(ChatRole.Assistant, [fc]), new(ChatRole.Tool, [new FunctionResultContent(fc.CallId, new { booked = true, at = "2025-03-04T15:00:00Z" })]) };
        Fake.Enqueue(new FakeOpenAi.Reply { Content = "Booked for Tuesday 3pm." });
        var second = await app.CompleteAsync(t, new AiCall("test.reply", "writer", follow, options));
        second.Text.ShouldBe("Booked for Tuesday 3pm.");

        var messages = Fake.Requests.Last().Messages;
        messages.Select(m => m!["role"]!.GetValue<string>()).ShouldBe(["system", "user", "assistant", "tool"]);
        var echoed = messages[2]!["tool_calls"]![0]!;
        echoed["id"]!.GetValue<string>().ShouldBe(fc.CallId);
        echoed["function"]!["name"]!.GetValue<string>().ShouldBe("book_demo");
        JsonNode.Parse(echoed["function"]!["arguments"]!.GetValue<string>())!["seats"]!.GetValue<int>().ShouldBe(200);
        messages[3]!["tool_call_id"]!.GetValue<string>().ShouldBe(fc.CallId);
        messages[3]!["content"]!.ToJsonString().ShouldContain("booked");
        (await UsageAsync(t)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Json_response_format_is_requested_and_answered()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.Enqueue(new FakeOpenAi.Reply { Content = """{"intent":"pricing","confidence":0.9}""" });
        var result = await app.CompleteAsync(t, Call("Classify: how much?", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, node: "classifier"));
        Fake.Requests.ShouldHaveSingleItem().Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_object");
        JsonNode.Parse(result.Text)!["intent"]!.GetValue<string>().ShouldBe("pricing");
    }

    [Fact]
    public async Task A_rate_limit_is_retried_after_the_time_Retry_After_asks_and_logged_once()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.FailNext(1, 429, retryAfter: "1");
        var result = await app.CompleteAsync(t, Call("hello"));
        result.Text.ShouldBe("Hello from the fake model.");
        var requests = Fake.Requests.ToArray();
        requests.Length.ShouldBe(2);
        // The base backoff is 20 ms: waiting about a second means Retry-After was honoured.
        (requests[1].At - requests[0].At).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        result.LatencyMs.ShouldBeGreaterThan(900);
        var row = (await UsageAsync(t)).ShouldHaveSingleItem()!;
        row["total_tokens"]!.GetValue<int>().ShouldBe(1500);
    }

    [Fact]
    public async Task A_server_error_is_retried_and_logged_once()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.FailNext(1, 500);
        (await app.CompleteAsync(t, Call("hello"))).Text.ShouldBe("Hello from the fake model.");
        Fake.Requests.Count.ShouldBe(2);
        (await UsageAsync(t)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_slow_answer_times_out_and_the_retry_succeeds()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.Enqueue(new FakeOpenAi.Reply { Delay = TimeSpan.FromSeconds(4), Content = "too late" });
        var result = await app.CompleteAsync(t, Call("hello"));
        result.Text.ShouldBe("Hello from the fake model.");
        Fake.Requests.Count.ShouldBe(2);
        result.LatencyMs.ShouldBeGreaterThanOrEqualTo(1000); // the 1 s timeout of the first attempt
        result.LatencyMs.ShouldBeLessThan(4000);
        (await UsageAsync(t)).ShouldHaveSingleItem()!["latency_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1000);
    }

    [Fact]
    public async Task A_permanent_error_fails_fast_and_the_failed_call_is_still_logged()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.FailNext(1, 400, message: "Unrecognized request argument supplied: foo");
        var e = await Should.ThrowAsync<AiProviderException>(() => app.CompleteAsync(t, Call("hello", node: "fails")));
        e.StatusCode.ShouldBe(400);
        e.Transient.ShouldBeFalse();
        e.Attempts.ShouldBe(1);
        e.Message.ShouldContain("Unrecognized request argument supplied: foo");
        Fake.Requests.Count.ShouldBe(1);
        // Written in its own transaction: the caller's rolled back.
        var row = (await UsageAsync(t)).ShouldHaveSingleItem()!;
        row["node_name"]!.GetValue<string>().ShouldBe("fails");
        row["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        row["total_tokens"]!.GetValue<int>().ShouldBe(0);
        row["cost"]!.GetValue<decimal>().ShouldBe(0m);
    }

    [Fact]
    public async Task Transient_errors_stop_after_the_configured_retries()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        Fake.FailNext(4, 503);
        var e = await Should.ThrowAsync<AiProviderException>(() => app.CompleteAsync(t, Call("hello")));
        (e.StatusCode, e.Transient, e.Attempts).ShouldBe((503, true, 4)); // 1 + Ai__MaxRetries 3
        Fake.Requests.Count.ShouldBe(4);

        // A rate limit asking for longer than Ai__MaxRetryAfterSeconds (30) is not waited for.
        Fake.Reset();
        Fake.FailNext(1, 429, retryAfter: "120");
        var limited = await Should.ThrowAsync<AiProviderException>(() => app.CompleteAsync(t, Call("hello")));
        (limited.StatusCode, limited.Transient, limited.Attempts).ShouldBe((429, true, 1));
        (await UsageAsync(t)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_call_can_ask_for_the_builtin_engine_which_costs_nothing()
    {
        Fake.Reset();
        var t = await app.SignupAsync();
        var options = new ChatOptions { ModelId = "gpt-4o", AdditionalProperties = new() { [AiGateway.ProviderProperty] = "builtin" } };
        var result = await app.CompleteAsync(t, Call("Hi, what are your prices?", options, node: "builtin"));
        result.Text.ShouldNotBeNullOrWhiteSpace();
        result.Cost.ShouldBe(0m);
        Fake.Requests.ShouldBeEmpty();
        var row = (await UsageAsync(t)).ShouldHaveSingleItem()!;
        row["cost"]!.GetValue<decimal>().ShouldBe(0m);
        row["model"]!.GetValue<string>().ShouldBe(BuiltInChatClient.Model); // not the agent's gpt-4o
        row["prompt_tokens"]!.GetValue<int>().ShouldBeGreaterThan(0); // estimated at ~4 characters per token
    }

    [Fact]
    public async Task The_summary_sums_per_utc_day_and_per_model_for_the_tenant_only()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        await using (var db = await app.OwnerAsync())
        {
            async Task Row(Guid org, string model, int prompt, int completion, decimal cost, string at)
            {
                await using var cmd = new Npgsql.NpgsqlCommand(
                    "INSERT INTO llm_usage_logs (id, organization_id, workflow_name, node_name, model, prompt_tokens, completion_tokens, total_tokens, latency_ms, cost, created_at) " +
                    "VALUES (gen_random_uuid(), $1, 'agent.reply', 'writer', $2, $3, $4, $3 + $4, 10, $5, $6::timestamptz)", db);
                cmd.Parameters.AddWithValue(org);
                cmd.Parameters.AddWithValue(model);
                cmd.Parameters.AddWithValue(prompt);
                cmd.Parameters.AddWithValue(completion);
                cmd.Parameters.AddWithValue(cost);
                cmd.Parameters.AddWithValue(at);
                await cmd.ExecuteNonQueryAsync();
            }
            await Row(a.OrganizationId, "gpt-4o-mini", 100, 10, 0.001m, "2025-03-01T00:00:01Z");
            await Row(a.OrganizationId, "gpt-4o-mini", 200, 20, 0.002m, "2025-03-01T23:59:59Z");
            await Row(a.OrganizationId, "house-model", 300, 30, 0.5m, "2025-03-01T12:00:00Z");
            await Row(a.OrganizationId, "gpt-4o-mini", 400, 40, 0.25m, "2025-03-02T00:00:00Z");
            await Row(a.OrganizationId, "gpt-4o-mini", 1, 1, 9m, "2025-03-04T00:00:00Z"); // after the range
            await Row(b.OrganizationId, "gpt-4o-mini", 999, 999, 100m, "2025-03-01T10:00:00Z");
        }

        var r = await a.Http.GetJsonAsync("/api/v1/llm_usage_logs/summary?from=2025-03-01&to=2025-03-03");
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        r.Json!["object"]!.GetValue<string>().ShouldBe("list");
        var days = r.Json["data"]!.AsArray();
        days.Select(d => d!["date"]!.GetValue<string>()).ShouldBe(["2025-03-01", "2025-03-02", "2025-03-03"]);
        var first = days[0]!;
        first["calls"]!.GetValue<int>().ShouldBe(3);
        first["prompt_tokens"]!.GetValue<long>().ShouldBe(600);
        first["completion_tokens"]!.GetValue<long>().ShouldBe(60);
        first["total_tokens"]!.GetValue<long>().ShouldBe(660);
        first["cost"]!.GetValue<decimal>().ShouldBe(0.503m);
        first["by_model"]!["gpt-4o-mini"]!["calls"]!.GetValue<int>().ShouldBe(2);
        first["by_model"]!["gpt-4o-mini"]!["cost"]!.GetValue<decimal>().ShouldBe(0.003m);
        first["by_model"]!["house-model"]!["total_tokens"]!.GetValue<long>().ShouldBe(330);
        days[1]!["cost"]!.GetValue<decimal>().ShouldBe(0.25m);
        days[2]!["calls"]!.GetValue<int>().ShouldBe(0);
        days[2]!["by_model"]!.AsObject().Count.ShouldBe(0);
        r.Json["total_cost"]!.GetValue<decimal>().ShouldBe(0.753m);

        var other = await b.Http.GetJsonAsync("/api/v1/llm_usage_logs/summary?from=2025-03-01&to=2025-03-01");
        other.Json!["total_cost"]!.GetValue<decimal>().ShouldBe(100m);
        other.Json["data"]![0]!["calls"]!.GetValue<int>().ShouldBe(1);

        // Default: the 30 UTC days ending today.
        var recent = await a.Http.GetJsonAsync("/api/v1/llm_usage_logs/summary");
        var recentDays = recent.Json!["data"]!.AsArray();
        recentDays.Count.ShouldBe(30);
        recentDays[^1]!["date"]!.GetValue<string>().ShouldBe(DateTime.UtcNow.ToString("yyyy-MM-dd"));
    }

    [Theory]
    [InlineData("from=2025-13-01", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2025-02-30", "to")]
    [InlineData("from=2025-03-05&to=2025-03-01", "from")]
    [InlineData("from=2024-01-01&to=2025-03-01", "from")]
    public async Task The_summary_rejects_bad_ranges_naming_the_parameter(string query, string field)
    {
        var t = await app.SignupAsync();
        (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs/summary?" + query)).ShouldBeProblem(400, field);
    }
}
