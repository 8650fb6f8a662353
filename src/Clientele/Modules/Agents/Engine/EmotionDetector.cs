namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The dominant emotion: joy, gratitude, neutral, confusion, frustration, anger, sadness, fear or
/// urgency. Emotion words decide (negated ones don't count: "not angry"); without any, the tone
/// does (an urgent message → urgency, clearly positive → joy, clearly negative → frustration).
/// </summary>
internal sealed class EmotionDetector
{
    public const string Joy = "joy", Gratitude = "gratitude", Neutral = "neutral", Confusion = "confusion", Frustration = "frustration",
        Anger = "anger", Sadness = "sadness", Fear = "fear", Urgency = "urgency";

    // Order breaks ties: the stronger, more actionable emotion first.
    private static readonly string[] Order = [Anger, Frustration, Fear, Sadness, Confusion, Gratitude, Joy];

    private readonly CueSet _cues = new(
    [
        (Anger, 3, "furious"), (Anger, 3, "angry"), (Anger, 3, "outrageous"), (Anger, 3, "ridiculous"), (Anger, 3, "unacceptable"),
        (Anger, 3, "absurd"), (Anger, 3, "garbage"), (Anger, 3, "hate"), (Anger, 3, "scam"), (Anger, 3, "wtf"), (Anger, 2.5, "rude"),
        (Anger, 2.5, "worst"), (Anger, 2.5, "pissed"), (Anger, 2.5, "unprofessional"), (Anger, 2.5, "verguenza"), (Anger, 2.5, "pessimo"),
        (Anger, 2, "terrible"), (Anger, 2, "awful"), (Anger, 2, "horrible"), (Anger, 2, "useless"), (Anger, 2, "😡"), (Anger, 2, "😠"),
        (Frustration, 3, "frustrat*"), (Frustration, 2.5, "annoy*"), (Frustration, 2, "again"), (Frustration, 2.5, "still waiting"),
        (Frustration, 2.5, "third time"), (Frustration, 2, "keeps"), (Frustration, 2, "keep breaking"), (Frustration, 2.5, "tired of"),
        (Frustration, 2, "every time"), (Frustration, 2, "been waiting"), (Frustration, 2, "on hold"), (Frustration, 2, "ignored"),
        (Frustration, 2, "nobody"), (Frustration, 2, "no one"), (Frustration, 1.5, "never got"), (Frustration, 1.5, "mess"),
        (Frustration, 1.5, "esperando"), (Frustration, 1.5, "nadie"), (Frustration, 1.5, "stuck"), (Frustration, 1.5, "not happy"),
        (Fear, 3, "worried"), (Fear, 3, "afraid"), (Fear, 3, "scared"), (Fear, 2.5, "concerned"), (Fear, 2.5, "nervous"),
        (Fear, 2.5, "anxious"), (Fear, 3, "breach"), (Fear, 3, "hacked"), (Fear, 2, "risk"), (Fear, 2, "suspect"), (Fear, 2, "preocupado"),
        (Sadness, 3, "disappointed"), (Sadness, 3, "disappointing"), (Sadness, 2.5, "sad"), (Sadness, 2, "unfortunately"),
        (Sadness, 2.5, "unhappy"), (Sadness, 2.5, "let down"), (Sadness, 2.5, "insatisfeito"), (Sadness, 2.5, "insatisfecho"),
        (Sadness, 2, "shame"), (Sadness, 2, "downhill"), (Sadness, 1.5, "embarrassing"), (Sadness, 2, "😞"), (Sadness, 2, "😢"),
        (Confusion, 3, "confused"), (Confusion, 3, "confusing"), (Confusion, 2.5, "unclear"), (Confusion, 2.5, "don't understand"),
        (Confusion, 2.5, "doesn't make sense"), (Confusion, 2, "not sure"), (Confusion, 2, "how come"), (Confusion, 2, "what does"),
        (Confusion, 1.5, "why did"), (Confusion, 1.5, "why is"), (Confusion, 2, "no entiendo"), (Confusion, 2, "nao entendi"),
        (Gratitude, 3, "thanks"), (Gratitude, 3, "thank"), (Gratitude, 3, "appreciate*"), (Gratitude, 3, "grateful"),
        (Gratitude, 3, "obrigado"), (Gratitude, 3, "obrigada"), (Gratitude, 3, "gracias"), (Gratitude, 2, "cheers"), (Gratitude, 2, "🙏"),
        (Joy, 3, "love"), (Joy, 3, "loved"), (Joy, 3, "awesome"), (Joy, 3, "excited"), (Joy, 3, "amazing"), (Joy, 2.5, "great"),
        (Joy, 2.5, "happy"), (Joy, 2.5, "glad"), (Joy, 2.5, "perfect"), (Joy, 2.5, "excellent"), (Joy, 2.5, "wonderful"),
        (Joy, 2.5, "fantastic"), (Joy, 2, "yay"), (Joy, 3, "congrats"), (Joy, 3, "congratulations"), (Joy, 2, "🎉"), (Joy, 2, "😀"),
        (Joy, 2, "😊"), (Joy, 2, "can't wait"), (Joy, 2.5, "otimo"), (Joy, 2.5, "genial"), (Joy, 2, "adorei"), (Joy, 2, "nice"),
    ]);

    public IEnumerable<string> Words => _cues.Words;

    public string Detect(IReadOnlyList<Token> tokens, double sentiment, string urgency)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hit in _cues.Match(tokens))
            if (!hit.Negated) scores[hit.Label] = scores.GetValueOrDefault(hit.Label) + hit.Weight;
        // Gratitude or joy in an otherwise negative message is politeness, not the mood.
        if (sentiment <= -0.3) { scores.Remove(Gratitude); scores.Remove(Joy); }
        string? best = null;
        foreach (var e in Order)
            if (scores.TryGetValue(e, out var s) && (best is null || s > scores[best])) best = e;
        if (best is not null) return best;
        if (urgency is "high" or "critical") return Urgency;
        return sentiment >= 0.3 ? Joy : sentiment <= -0.3 ? Frustration : Neutral;
    }
}
