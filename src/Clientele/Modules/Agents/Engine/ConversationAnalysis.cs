using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// One analysis for a whole conversation (the "extract" task): what the customer said across
/// all their messages. Intent: the one with the most confidence summed over messages (greetings
/// and "other" only when nothing else was said); sentiment: the mean; urgency: the highest;
/// emotion: the latest one that is not neutral; each entity: the latest value given; dates and
/// times: those of the latest message that has any (the most recent proposal).
/// </summary>
public static class ConversationAnalysis
{
    private static readonly string[] UrgencyOrder = ["low", "medium", "high", "critical"];

    public static MessageAnalysis Merge(IReadOnlyList<MessageAnalysis> messages)
    {
        if (messages.Count == 0)
            return new MessageAnalysis("other", 0.5, 0, "neutral", "low", new ExtractedEntities());
        if (messages.Count == 1) return messages[0];

        var substantive = messages.Where(m => m.Intent is not ("greeting" or "other")).ToList();
        var pool = substantive.Count > 0 ? substantive : messages.ToList();
        var intent = pool.GroupBy(m => m.Intent, StringComparer.Ordinal)
            .Select(g => (Intent: g.Key, Weight: g.Sum(m => m.IntentConfidence), Last: pool.FindLastIndex(m => m.Intent == g.Key), Confidence: g.Max(m => m.IntentConfidence)))
            .OrderByDescending(x => x.Weight).ThenByDescending(x => x.Last).First();

        var urgency = messages.Select(m => Array.IndexOf(UrgencyOrder, m.Urgency)).Max();
        var emotion = messages.LastOrDefault(m => m.Emotion != "neutral")?.Emotion ?? "neutral";
        var sentiment = Math.Round(messages.Average(m => m.Sentiment), 3);

        T? Latest<T>(Func<ExtractedEntities, T?> pick) where T : class => messages.Select(m => pick(m.Entities)).LastOrDefault(v => v is not null);
        TV? LatestValue<TV>(Func<ExtractedEntities, TV?> pick) where TV : struct => messages.Select(m => pick(m.Entities)).LastOrDefault(v => v.HasValue);

        // The budget's amount and currency go with the statement they came from.
        var budgetSource = messages.LastOrDefault(m => m.Entities.Budget is not null)?.Entities;
        var entities = new ExtractedEntities(
            Latest(e => e.Name), Latest(e => e.Email), Latest(e => e.Phone), Latest(e => e.Company),
            LatestValue(e => e.Seats),
            budgetSource?.Budget, budgetSource?.BudgetAmount, budgetSource?.BudgetCurrency,
            messages.LastOrDefault(m => m.Entities.DateTimes is { Count: > 0 })?.Entities.DateTimes);
        return new MessageAnalysis(intent.Intent, Math.Round(intent.Confidence, 2), sentiment, emotion, UrgencyOrder[Math.Max(0, urgency)], entities);
    }
}
