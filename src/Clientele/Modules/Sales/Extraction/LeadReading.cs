namespace Clientele.Modules.Sales.Extraction;

/// <summary>One of the five scored dimensions: its level, its 1-3 score, why, and the customer's words that show it.</summary>
public sealed record Dimension(string Level, int Score, string Why, IReadOnlyList<string> Evidence);

/// <summary>A CTA flag (Yes/No) and where it came from: "button" (an interactive reply), "text" (a request in a message), "conversation" or "model".</summary>
public sealed record CtaFlag(bool Yes, string? Source = null, string? Evidence = null)
{
    public static readonly CtaFlag No = new(false);
    public string Value => Yes ? "Yes" : "No";
}

/// <summary>
/// What one extraction concluded about the buyer. Seed 001's five dimensions (intent, urgency,
/// budget, fit, engagement) each score 1-3; their sum is total_score (5-15) and decides the tag.
/// </summary>
public sealed record LeadReading(
    string? Name,
    string? Email,
    string? Company,
    string? Phone,
    int? Seats,
    /// <summary>The engine's intent label of the conversation (demo, pricing, …).</summary>
    string IntentCategory,
    /// <summary>extractions.intent: a short description ("Wants a demo for 200 agents").</summary>
    string Intent,
    Dimension IntentLevel,
    Dimension Urgency,
    Dimension Budget,
    Dimension Fit,
    Dimension Engagement,
    IReadOnlyDictionary<string, CtaFlag> Ctas,
    /// <summary>"builtin" (the engine's analysis and the rules), "model" (the model's JSON, the rules filling gaps) or "rules" (the model failed).</summary>
    string Method,
    IReadOnlyList<string> FilledByRules)
{
    public int TotalScore => IntentLevel.Score + Urgency.Score + Budget.Score + Fit.Score + Engagement.Score;
    public string Tag => LeadScoring.Tag(TotalScore);
    public CtaFlag Cta(string key) => Ctas.TryGetValue(key, out var f) ? f : CtaFlag.No;
}
