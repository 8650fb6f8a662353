using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible Chat Completions server on loopback: POST {any prefix}/chat/completions
/// answers in the real wire format (chat.completion with choices, tool_calls and usage), checks
/// Authorization: Bearer {ApiKey} (401 invalid_api_key otherwise), records every request, and can be
/// scripted: the next answers can be errors (with Retry-After), slow, tool calls or JSON.
/// </summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    public const string ApiKey = "sk-fake-test-key";
    public const string BasePath = "/v1";

    public sealed record Request(string Path, string Query, string? Authorization, string? AzureApiKey, JsonObject Body, DateTime At)
    {
        public string Model => Body["model"]!.GetValue<string>();
        public JsonArray Messages => Body["messages"]!.AsArray();
    }

    /// <summary>One scripted answer. Status other than 200 answers OpenAI's error shape.</summary>
    public sealed record Reply
    {
        public int Status { get; init; } = 200;
        public string? RetryAfter { get; init; }
        public TimeSpan Delay { get; init; }
        public string? Content { get; init; }
        public (string Name, string Arguments)[]? ToolCalls { get; init; }
        public int PromptTokens { get; init; } = 1000;
        public int CompletionTokens { get; init; } = 500;
        public bool OmitUsage { get; init; }
        /// <summary>The model the server says answered (OpenAI answers dated names); default the requested one.</summary>
        public string? Model { get; init; }
        public string ErrorMessage { get; init; } = "fake error";
    }

    private WebApplication _app = null!;
    private readonly ConcurrentQueue<Reply> _script = new();
    private int _counter;
    public ConcurrentQueue<Request> Requests { get; } = new();
    /// <summary>Host settings for Ai__Provider=openai against this fake (gpt-4o-mini, quick retries).</summary>
    public Dictionary<string, string?> HostSettings(int timeoutSeconds, int maxRetries, double retryBaseDelaySeconds = 0.02) => new()
    {
        ["Ai:Provider"] = "openai",
        ["Ai:BaseUrl"] = BaseUrl.ToString(),
        ["Ai:Model"] = "gpt-4o-mini",
        ["Ai:ApiKey"] = ApiKey,
        ["Ai:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ai:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ai:RetryBaseDelaySeconds"] = retryBaseDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The base URL to configure as Ai__BaseUrl (…/v1).</summary>
    public Uri BaseUrl { get; private set; } = null!;
    /// <summary>What an unscripted request gets.</summary>
    public Reply Default { get; set; } = new() { Content = "Hello from the fake model." };
    /// <summary>When set, answers unscripted requests instead of Default (e.g. end-to-end tests that need JSON per task).</summary>
    public Func<Request, Reply>? Responder { get; set; }

    public void Enqueue(params Reply[] replies)
    {
        foreach (var r in replies) _script.Enqueue(r);
    }

    public void FailNext(int times, int status, string? retryAfter = null, string message = "fake error")
    {
        for (var i = 0; i < times; i++) Enqueue(new Reply { Status = status, RetryAfter = retryAfter, ErrorMessage = message });
    }

    public void Reset()
    {
        _script.Clear();
        Requests.Clear();
        Default = new Reply { Content = "Hello from the fake model." };
        Responder = null;
    }

    public static async Task<FakeOpenAi> StartAsync()
    {
        var fake = new FakeOpenAi();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.MapPost("/{**path}", fake.HandleAsync);
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + BasePath);
        return fake;
    }

    private async Task<IResult> HandleAsync(string path, HttpContext ctx)
    {
        if (!path.EndsWith("chat/completions", StringComparison.Ordinal)) return Results.NotFound();
        var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
        var request = new Request(ctx.Request.Path, ctx.Request.QueryString.Value ?? "", ctx.Request.Headers.Authorization, ctx.Request.Headers["api-key"], body, DateTime.UtcNow);
        Requests.Enqueue(request);
        if (ctx.Request.Headers.Authorization != "Bearer " + ApiKey)
            return Error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
        var reply = _script.TryDequeue(out var scripted) ? scripted : Responder?.Invoke(request) ?? Default;
        if (reply.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(reply.Delay, ctx.RequestAborted); }
            catch (OperationCanceledException) { return Results.Empty; } // the client gave up
        }
        if (reply.Status != 200)
        {
            if (reply.RetryAfter is not null) ctx.Response.Headers.RetryAfter = reply.RetryAfter;
            var type = reply.Status switch { 429 => "rate_limit_exceeded", >= 500 => "server_error", _ => "invalid_request_error" };
            return Error(reply.Status, reply.ErrorMessage, type, null);
        }
        var n = Interlocked.Increment(ref _counter);
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.ToolCalls is null ? reply.Content ?? "" : null, ["refusal"] = null };
        if (reply.ToolCalls is { } calls)
            message["tool_calls"] = new JsonArray(calls.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"call_fake{n}_{i}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        var answer = new JsonObject
        {
            ["id"] = $"chatcmpl-fake{n}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = reply.Model ?? body["model"]?.GetValue<string>(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = reply.ToolCalls is null ? "stop" : "tool_calls",
            }),
            ["system_fingerprint"] = "fp_fake",
        };
        if (!reply.OmitUsage)
            answer["usage"] = new JsonObject
            {
                ["prompt_tokens"] = reply.PromptTokens,
                ["completion_tokens"] = reply.CompletionTokens,
                ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
            };
        return Results.Text(answer.ToJsonString(), "application/json");
    }

    private static IResult Error(int status, string message, string type, string? code) =>
        Results.Json(new { error = new { message, type, param = (string?)null, code } }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
