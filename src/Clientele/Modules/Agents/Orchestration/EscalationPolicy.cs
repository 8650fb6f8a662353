using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// When a conversation goes to a human. An explicit request always does (the customer's right);
/// with the agent's 'escalate' tool also strong negative emotion (anger or frustration with
/// sentiment ≤ -0.6) and a question understood with less intent confidence than the agent's
/// escalation_confidence. Greetings and small talk never escalate on confidence.
/// </summary>
public static class EscalationPolicy
{
    public const double StrongNegativeSentiment = -0.6;
    public const string ExplicitRequest = "explicit_request";
    public const string NegativeEmotion = "negative_emotion";
    public const string LowConfidence = "low_confidence";

    /// <summary>The reasons to escalate, strongest first; empty when the agent keeps the conversation.</summary>
    public static IReadOnlyList<string> Reasons(AgentProfile agent, MessageAnalysis a, string text)
    {
        var reasons = new List<string>();
        if (CustomerSignals.AsksForHuman(text)) reasons.Add(ExplicitRequest);
        if (!agent.Can("escalate")) return reasons;
        if (a.Emotion is "anger" or "frustration" && a.Sentiment <= StrongNegativeSentiment) reasons.Add(NegativeEmotion);
        if (Specialists.IsQuestion(a.Intent) && a.IntentConfidence < agent.EscalationConfidence) reasons.Add(LowConfidence);
        return reasons;
    }

    public static string Describe(IReadOnlyList<string> reasons, MessageAnalysis a) => string.Join("; ", reasons.Select(r => r switch
    {
        ExplicitRequest => "the customer asked for a person",
        NegativeEmotion => $"strong negative emotion ({a.Emotion}, sentiment {a.Sentiment:0.00})",
        _ => $"low confidence in the {a.Intent} intent ({a.IntentConfidence:0.00})",
    }));
}
