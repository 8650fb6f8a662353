using System.Diagnostics;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Modules.Agents.Gateway;
using Clientele.Modules.Conversations;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// The AI agents' answer to a customer message (docs/ai.md, "Agents"): analyze it, route it to
/// the specialist for its intent (recording the handoff), escalate to a human when needed,
/// otherwise answer with one model call grounded in the knowledge base, have risky answers
/// verified by a second agent, and record everything in one batch. Runs in AgentReplyJob's
/// transaction, with the conversation row locked, so messages of one conversation are serial.
/// </summary>
public sealed class AgentReplyGenerator(IMessageAnalyzer analyzer, IKnowledgeRetriever knowledge, IAiGateway gateway, AnswerVerifier verifier) : IReplyGenerator
{
    public const string Workflow = "agent.reply";
    public const int KnowledgeLimit = 3;

    public int Priority => 10;

    public async Task<AgentReply?> ReplyAsync(TenantSession s, ReplyRequest request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var ctx = await TurnContext.LoadAsync(s, request.ConversationId, request.MessageId, ct);
        if (ctx is null) return null;
        ctx = await ExperimentVariantConfig.ApplyAsync(s, ctx, request.ConversationId, ct);
        var a = analyzer.Analyze(request.CustomerText, ctx.MessageTime);
        var firstName = HumanHandoffMessage.FirstName(request.CustomerName);
        var (primary, primaryConfidence) = ReplyPlan.PrimaryIntentOf(ctx, a);
        var sentimentAvg = ReplyPlan.RunningMean(ctx, a.Sentiment);

        var reasons = EscalationPolicy.Reasons(ctx.Agent, a, request.CustomerText);
        if (reasons.Count > 0)
            return await EscalateAsync(s, request, ctx, a, firstName, reasons, primary, primaryConfidence, sentimentAvg, clock, ct);

        var speaker = Router.Route(ctx, a);
        var hits = ctx.Agent.Can("knowledge_search") ? await knowledge.SearchAsync(s, request.CustomerText, KnowledgeLimit, ct) : [];
        var call = await CompleteAsync(s, new AiCall(Workflow, speaker, PromptBuilder.Build(ctx, speaker, request.CustomerName, hits, request.CustomerText),
            PromptBuilder.Options(ctx.Agent, speaker, request.CustomerName, ctx.MessageTime)), ct);
        var text = call.Text.Trim();
        var tokens = call.PromptTokens + call.CompletionTokens;

        var topics = RiskPolicy.Topics(request.CustomerText, a.Intent, text);
        VerifiedAnswer? verified = null;
        if (topics.Count > 0 && ctx.Agent.Can("verify"))
        {
            verified = await verifier.VerifyAsync(s, ctx.Agent, speaker, request.CustomerText, text, topics, ct);
            text = verified.Verification.Text;
            if (verified.Call is { } v) tokens += v.PromptTokens + v.CompletionTokens;
        }

        // The agent closes the conversation when the customer confirms an answer solved it.
        var resolvedBy = CustomerSignals.ConfirmsResolution(request.CustomerText) && ctx.History.Any(h => h.Role == "assistant") ? speaker : null;
        var handoff = speaker == ctx.CurrentSpeaker ? null : new Handoff(ctx.CurrentSpeaker, speaker, Router.Reason(ctx.CurrentSpeaker, speaker, a),
            State(ctx, a, request, firstName, primary), a.IntentConfidence, Millis(clock));
        var kbIds = ArticlesUsed(call, hits);
        var confidence = AnswerConfidence(a, kbIds.Count > 0);
        await ReplyPlanWriter.WriteAsync(s, new ReplyPlan(request.ConversationId, request.MessageId, a, primary, primaryConfidence, sentimentAvg,
            [speaker], kbIds, false, resolvedBy, handoff, verified?.Collaboration, ConversationTagger.Tags(a, ctx.Channel, false, topics)), ct);

        var metadata = new JsonObject
        {
            ["specialist"] = speaker,
            ["kb_articles_used"] = new JsonArray(kbIds.Select(id => (JsonNode)id).ToArray()),
        };
        if (verified is not null) metadata["verification"] = verified.Verification.Verdict;
        if (ctx.Variant is { } variant) metadata["experiment"] = variant.ToJson();
        // The built-in engine says when its text promises a colleague (no escalation by itself; docs/ai.md).
        if (call.Response.AdditionalProperties?.TryGetValue(BuiltInChatClient.HandoffTeamResult, out var team) == true && team is string t) metadata["handoff_suggested"] = t;
        if (resolvedBy is not null) metadata["resolved"] = true;
        return new AgentReply(text, ctx.Agent.Name, call.Model, tokens, confidence, metadata);
    }

    /// <summary>The agent's model; when that provider fails (after its retries) the built-in engine answers instead of leaving the customer waiting.</summary>
    private async Task<AiResult> CompleteAsync(TenantSession s, AiCall call, CancellationToken ct)
    {
        try
        {
            return await gateway.CompleteAsync(s, call, ct);
        }
        catch (AiProviderException) when (!PromptBuilder.IsBuiltIn(call.Options, gateway))
        {
            return await gateway.CompleteAsync(s, call with { Options = PromptBuilder.BuiltIn(call.Options) }, ct);
        }
    }

    private static async Task<AgentReply> EscalateAsync(TenantSession s, ReplyRequest request, TurnContext ctx, MessageAnalysis a, string? firstName,
        IReadOnlyList<string> reasons, string primary, double primaryConfidence, double sentimentAvg, Stopwatch clock, CancellationToken ct)
    {
        var why = EscalationPolicy.Describe(reasons, a);
        var speaker = ctx.CurrentSpeaker;
        var state = State(ctx, a, request, firstName, primary);
        state["escalation_reasons"] = new JsonArray(reasons.Select(r => (JsonNode)r).ToArray());
        var handoff = new Handoff(speaker, Specialists.Human, "Escalated to a human: " + why, state, a.IntentConfidence, Millis(clock));
        await ReplyPlanWriter.WriteAsync(s, new ReplyPlan(request.ConversationId, request.MessageId, a, primary, primaryConfidence, sentimentAvg,
            [speaker], [], true, null, handoff, null, ConversationTagger.Tags(a, ctx.Channel, true, [])), ct);
        var who = string.IsNullOrWhiteSpace(request.CustomerName) ? "A customer" : request.CustomerName;
        await NotificationDispatcher.NotifyAdminsAsync(s, "warning", "conversation_escalated", $"{who} needs a person",
            $"{who} on {ctx.Channel}: {why}. Last message: \"{Cut(request.CustomerText, 200)}\"",
            new JsonObject
            {
                ["conversation_id"] = request.ConversationId.ToString(), ["message_id"] = request.MessageId.ToString(),
                ["reasons"] = new JsonArray(reasons.Select(r => (JsonNode)r).ToArray()),
            }, TimeSpan.Zero, ct, link: $"/app/inbox/{request.ConversationId}");
        return new AgentReply(HumanHandoffMessage.For(request.CustomerText, firstName), ctx.Agent.Name, null, null, a.IntentConfidence,
            new JsonObject { ["specialist"] = speaker, ["escalation"] = new JsonArray(reasons.Select(r => (JsonNode)r).ToArray()) });
    }

    /// <summary>What the next agent is told (agent_handoffs.state_transferred).</summary>
    private static JsonObject State(TurnContext ctx, MessageAnalysis a, ReplyRequest request, string? firstName, string primary) => new()
    {
        ["summary"] = Summary(ctx, a, request.CustomerText, firstName),
        ["intent"] = a.Intent,
        ["intent_confidence"] = Math.Round(a.IntentConfidence, 2),
        ["primary_intent"] = primary,
        ["sentiment"] = Math.Round(a.Sentiment, 2),
        ["emotion"] = a.Emotion,
        ["urgency"] = a.Urgency,
        ["entities"] = System.Text.Json.JsonSerializer.SerializeToNode(a.Entities, ReplyPlanWriter.EntityJson),
        ["customer_name"] = request.CustomerName,
        ["channel"] = ctx.Channel,
        ["messages_so_far"] = ctx.History.Count + 1,
        ["kb_articles_used"] = new JsonArray(ctx.KbArticlesUsed.Select(id => (JsonNode)id).ToArray()),
    };

    private static string Summary(TurnContext ctx, MessageAnalysis a, string text, string? firstName)
    {
        var who = firstName ?? "The customer";
        var before = ctx.PrimaryIntent is { } p && p != a.Intent ? $" after talking about {p}" : "";
        return $"{who} asks about {a.Intent}{before} ({a.Urgency} urgency, {a.Emotion}): \"{Cut(text, 160)}\"";
    }

    /// <summary>
    /// The articles the answer used: what the built-in engine reports it quoted; for other models the
    /// articles whose title the reply names (the prompt asks for that), else all it was given.
    /// </summary>
    internal static List<string> ArticlesUsed(AiResult call, IReadOnlyList<KnowledgeHit> hits)
    {
        if (hits.Count == 0) return [];
        if (call.Response.AdditionalProperties?.TryGetValue(BuiltInChatClient.ArticlesResult, out var quoted) == true && quoted is IEnumerable<string> ids)
            return ids.ToList();
        var named = hits.Where(h => call.Text.Contains(h.Title, StringComparison.OrdinalIgnoreCase)).ToList();
        return (named.Count > 0 ? named : hits).Select(h => h.Id.ToString()).ToList();
    }

    /// <summary>messages.agent_confidence: the intent confidence, averaged with 1 when knowledge grounded the answer and 0.5 when none did.</summary>
    internal static double AnswerConfidence(MessageAnalysis a, bool grounded) => Math.Round((a.IntentConfidence + (grounded ? 1.0 : 0.5)) / 2, 2);

    private static int Millis(Stopwatch clock) => (int)Math.Round(clock.Elapsed.TotalMilliseconds);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
