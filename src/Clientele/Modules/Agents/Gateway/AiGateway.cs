using System.Collections.Concurrent;
using System.Diagnostics;
using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Agents.Gateway;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// Every model call goes through here: picks the provider (Ai__Provider, or per call
/// ChatOptions.AdditionalProperties["provider"] = "builtin" | "openai"), times it, reads or
/// estimates the tokens, prices them and writes llm_usage_logs (LlmUsageLedger).
/// </summary>
public sealed class AiGateway(AiOptions options, BuiltInClientSource builtIn, LlmUsageLedger ledger, ILogger<AiGateway> logger,
    OpenAiCompatibleChatClient? openAi = null) : IAiGateway
{
    public const string ProviderProperty = "provider";
    private readonly ConcurrentDictionary<string, bool> _unpriced = new(StringComparer.OrdinalIgnoreCase);

    public string Provider => options.Provider;

    public async Task<AiResult> CompleteAsync(TenantSession s, AiCall call, CancellationToken ct)
    {
        var provider = ProviderFor(call.Options);
        var client = provider == AiOptions.OpenAi ? openAi! : builtIn.Client;
        // An agent's model (gpt-4o…) means nothing to the built-in engine: it is logged under its own name.
        var requestedModel = provider == AiOptions.Builtin ? client.GetService<ChatClientMetadata>()?.DefaultModelId ?? AiOptions.Builtin
            : call.Options?.ModelId is { Length: > 0 } m ? m : options.Model;
        var clock = Stopwatch.StartNew();
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(call.Messages, call.Options, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A failed call costs nothing but is still a call: it shows outages and their latency.
            await ledger.RecordFailureAsync(s.Tenant, new LlmUsageEntry(call.Workflow, call.Node, requestedModel, 0, 0, Millis(clock), 0m));
            logger.LogWarning(e, "model call {Workflow}/{Node} on {Provider} failed", call.Workflow, call.Node, provider);
            throw;
        }
        var latency = clock.Elapsed.TotalMilliseconds;
        var model = response.ModelId is { Length: > 0 } id ? id : requestedModel;
        var (prompt, completion) = Tokens(call, response);
        var cost = provider == AiOptions.Builtin ? 0m : options.Prices.Cost(model, prompt, completion);
        if (provider != AiOptions.Builtin && options.Prices.Find(model) is null && _unpriced.TryAdd(model, true))
            logger.LogWarning("model {Model} has no price: its calls are logged with cost 0 (set Ai__Prices__<model>__Input and __Output)", model);
        await ledger.RecordAsync(s, new LlmUsageEntry(call.Workflow, call.Node, model, prompt, completion, (int)Math.Round(latency), cost), ct);
        return new AiResult(response, model, prompt, completion, latency, cost);
    }

    private string ProviderFor(ChatOptions? o)
    {
        if (o?.AdditionalProperties?.TryGetValue(ProviderProperty, out var value) == true && value?.ToString()?.Trim().ToLowerInvariant() is { } wanted)
        {
            if (wanted == AiOptions.Builtin) return wanted;
            if (wanted == AiOptions.OpenAi && openAi is not null) return wanted;
            logger.LogWarning("provider '{Provider}' asked for a call is not configured; using {Default}", wanted, options.Provider);
        }
        return options.Provider;
    }

    /// <summary>The provider's counts, or about 4 characters per token when it reports none.</summary>
    internal static (int Prompt, int Completion) Tokens(AiCall call, ChatResponse response)
    {
        var usage = response.Usage;
        var reported = usage is not null && (usage.InputTokenCount > 0 || usage.OutputTokenCount > 0);
        var prompt = reported && usage!.InputTokenCount is { } input ? (int)input
            : Estimate(Chars(call.Messages) + (call.Options?.Instructions?.Length ?? 0));
        var completion = reported && usage!.OutputTokenCount is { } output ? (int)output : Estimate(Chars(response.Messages));
        return (prompt, completion);
    }

    internal static int Estimate(int chars) => (chars + 3) / 4;

    private static int Chars(IEnumerable<AiMessage> messages) => messages.Sum(m => m.Contents.Sum(c => c switch
    {
        TextContent t => t.Text?.Length ?? 0,
        FunctionCallContent f => f.Name.Length + (f.Arguments?.Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 0)) ?? 0),
        FunctionResultContent r => r.Result?.ToString()?.Length ?? 0,
        _ => 0,
    }));

    private static int Millis(Stopwatch clock) => (int)Math.Round(clock.Elapsed.TotalMilliseconds);
}
