using System.Diagnostics;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Gateway;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Success.Copilot;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>The model's reply, what it cost, and whether the built-in engine stood in for a failed provider.</summary>
public sealed record CopilotAnswer(CopilotReply Reply, string Provider, string Model, int PromptTokens, int CompletionTokens, double LatencyMs, decimal Cost,
    string? FallbackReason);

/// <summary>
/// The copilot's model call (workflow "copilot", node "answer"), one llm_usage_logs row per call in
/// the caller's transaction. A real provider (Ai__Provider=openai) is called through IAiGateway with
/// a JSON response format; when it fails the built-in engine answers instead (FallbackReason says
/// why). The built-in engine's chat client (Engine/BuiltInChatClient) knows only its reply,
/// analyze and extract tasks, so with Ai__Provider=builtin the copilot's own offline client
/// (CopilotBuiltInClient) answers and the call is recorded through the gateway's ledger exactly as
/// the gateway records built-in calls (model clientele-builtin-1, cost 0).
/// </summary>
public sealed class CopilotModel(IAiGateway gateway, CopilotBuiltInClient builtIn, LlmUsageLedger ledger, ILogger<CopilotModel> logger)
{
    public const string Workflow = "copilot", Node = "answer";

    public async Task<CopilotAnswer> AnswerAsync(TenantSession s, IList<AiMessage> messages, CancellationToken ct)
    {
        if (gateway.Provider == AiOptions.Builtin) return await BuiltInAsync(s, messages, null, ct);
        try
        {
            var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 0.2f };
            var result = await gateway.CompleteAsync(s, new AiCall(Workflow, Node, messages, options), ct);
            return new CopilotAnswer(CopilotPrompt.Parse(result.Text), gateway.Provider, result.Model, result.PromptTokens, result.CompletionTokens,
                result.LatencyMs, result.Cost, null);
        }
        catch (AiProviderException e)
        {
            // The gateway logged the failed call; the CSM still gets an answer from the data.
            logger.LogWarning(e, "copilot model call failed; the built-in engine answers instead");
            return await BuiltInAsync(s, messages, e.Message, ct);
        }
    }

    private async Task<CopilotAnswer> BuiltInAsync(TenantSession s, IList<AiMessage> messages, string? fallbackReason, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var response = await builtIn.GetResponseAsync(messages, null, ct);
        var latency = clock.Elapsed.TotalMilliseconds;
        var prompt = (int)(response.Usage?.InputTokenCount ?? 0);
        var completion = (int)(response.Usage?.OutputTokenCount ?? 0);
        var model = response.ModelId ?? AiOptions.Builtin;
        await ledger.RecordAsync(s, new LlmUsageEntry(Workflow, Node, model, prompt, completion, (int)Math.Round(latency), 0m), ct);
        return new CopilotAnswer(CopilotPrompt.Parse(response.Text), AiOptions.Builtin, model, prompt, completion, latency, 0m, fallbackReason);
    }
}
