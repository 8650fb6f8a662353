using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Modules.Agents.Gateway;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Prospecting;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>What answered: the model's JSON (null when the built-in engine wrote it) and which provider.</summary>
public sealed record ModelAnswer(JsonObject? Json, string Provider, string Model, string? FallbackReason);

/// <summary>
/// The assistant's model calls, one llm_usage_logs row each (workflow and node named by the caller)
/// in the caller's transaction. With Ai__Provider=openai the prompt goes through IAiGateway with a JSON
/// response format; when the provider fails or answers something that is not JSON, the built-in
/// engine's result stands (FallbackReason says why) and is logged too. With the built-in provider the
/// offline engine writes it and the call is logged as the gateway logs built-in calls (cost 0,
/// tokens estimated from the prompt and the result at 4 characters a token).
/// </summary>
public sealed class ProspectingModel(IAiGateway gateway, LlmUsageLedger ledger, ILogger<ProspectingModel> logger)
{
    public async Task<ModelAnswer> AskAsync(TenantSession s, string workflow, string node, string system, string user, Func<string> builtIn, CancellationToken ct)
    {
        IList<AiMessage> messages = [new(ChatRole.System, system), new(ChatRole.User, user)];
        if (gateway.Provider == AiOptions.Builtin) return await BuiltInAsync(s, workflow, node, messages, builtIn, null, ct);
        string? reason;
        try
        {
            var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 0.3f };
            var result = await gateway.CompleteAsync(s, new AiCall(workflow, node, messages, options), ct);
            if (ParseJson(result.Text) is { } json) return new ModelAnswer(json, gateway.Provider, result.Model, null);
            reason = "the model's answer was not a JSON object";
        }
        catch (AiProviderException e)
        {
            reason = e.Message;
        }
        logger.LogWarning("{Workflow}/{Node}: {Reason}; the built-in engine writes it instead", workflow, node, reason);
        return await BuiltInAsync(s, workflow, node, messages, builtIn, reason, ct);
    }

    private async Task<ModelAnswer> BuiltInAsync(TenantSession s, string workflow, string node, IList<AiMessage> messages, Func<string> builtIn, string? reason,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var output = builtIn();
        var prompt = AiGateway.Estimate(messages.Sum(m => m.Text?.Length ?? 0));
        await ledger.RecordAsync(s, new LlmUsageEntry(workflow, node, BuiltInChatClient.Model, prompt, AiGateway.Estimate(output.Length),
            (int)Math.Round(clock.Elapsed.TotalMilliseconds), 0m), ct);
        return new ModelAnswer(null, AiOptions.Builtin, BuiltInChatClient.Model, reason);
    }

    /// <summary>The first JSON object in the text (models wrap it in ```json fences now and then).</summary>
    public static JsonObject? ParseJson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) return null;
        try { return JsonNode.Parse(text[start..(end + 1)]) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
