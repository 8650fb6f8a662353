using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>An agent_handoffs row.</summary>
public sealed record Handoff(string From, string To, string Reason, JsonObject State, double ConfidenceBefore, int LatencyMs);

/// <summary>An agent_collaborations row (collaboration_type 'verification').</summary>
public sealed record Collaboration(string[] Agents, string Coordinator, DateTime Start, DateTime End, string Outcome, bool Consensus, JsonObject Metadata)
{
    public int DurationMs => (int)Math.Max(0, Math.Round((End - Start).TotalMilliseconds));
}

/// <summary>Everything one customer message changes, written in one round trip by <see cref="ReplyPlanWriter"/>.</summary>
public sealed record ReplyPlan(
    Guid ConversationId,
    Guid MessageId,
    MessageAnalysis Analysis,
    string? PrimaryIntent,
    double? IntentConfidence,
    double SentimentAvg,
    IReadOnlyList<string> AgentsInvolved,
    IReadOnlyList<string> KbArticlesUsed,
    bool Escalate,
    /// <summary>Set when the agent closes the conversation as resolved: the logical agent that resolved it.</summary>
    string? ResolvedBy,
    Handoff? Handoff,
    Collaboration? Collaboration,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>
    /// primary_intent and intent_confidence: the strongest specific intent so far (ties go to the
    /// latest); greetings and small talk only fill an empty slot, never replace a specific intent.
    /// </summary>
    public static (string Intent, double Confidence) PrimaryIntentOf(TurnContext ctx, MessageAnalysis a)
    {
        var current = ctx.PrimaryIntent;
        var currentIsSpecific = current is not null && Specialists.IsQuestion(current);
        if (current is null) return (a.Intent, a.IntentConfidence);
        if (Specialists.IsQuestion(a.Intent) && (!currentIsSpecific || a.IntentConfidence >= (ctx.IntentConfidence ?? 0)))
            return (a.Intent, a.IntentConfidence);
        if (!currentIsSpecific && !Specialists.IsQuestion(a.Intent)) return (a.Intent, a.IntentConfidence);
        return (current, ctx.IntentConfidence ?? 0);
    }

    /// <summary>sentiment_avg: the running mean over the conversation's analyzed customer messages.</summary>
    public static double RunningMean(TurnContext ctx, double sentiment) =>
        Math.Clamp(((ctx.SentimentAvg ?? 0) * ctx.AnalyzedCustomerMessages + sentiment) / (ctx.AnalyzedCustomerMessages + 1), -1, 1);
}
