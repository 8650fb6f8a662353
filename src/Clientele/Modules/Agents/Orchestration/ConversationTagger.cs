using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>An automatic conversation_tags row (a tag is on a conversation once: conversation_tags_once).</summary>
public sealed record Tag(string Name, string Category, double Confidence);

/// <summary>
/// The tags a customer message earns its conversation: its intent (questions and complaints,
/// with the intent confidence), "urgent" at high or critical urgency, the channel, "escalated",
/// and the risk topics (refund, discount, cancellation, legal). Rule-based tags have confidence 1.
/// </summary>
public static class ConversationTagger
{
    public const string TaggedBy = "tagger_agent";

    public static IReadOnlyList<Tag> Tags(MessageAnalysis a, string channel, bool escalated, IEnumerable<string> riskTopics)
    {
        var tags = new List<Tag>();
        if (Specialists.IsQuestion(a.Intent)) tags.Add(new Tag(a.Intent, "intent", a.IntentConfidence));
        if (a.Urgency is "high" or "critical") tags.Add(new Tag("urgent", "priority", 1));
        tags.Add(new Tag(channel, "channel", 1));
        if (escalated) tags.Add(new Tag("escalated", "priority", 1));
        tags.AddRange(riskTopics.Select(t => new Tag(t, "topic", 1)));
        return tags.DistinctBy(t => t.Name).ToList();
    }
}
