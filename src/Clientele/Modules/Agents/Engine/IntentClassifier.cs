namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Scores each intent by its cues (a negated cue counts slightly against it), leans towards a
/// complaint when the tone is clearly negative, and picks the best. Greetings and thanks win only
/// when nothing else has real evidence; with no evidence at all the intent is "other".
/// Confidence grows with the evidence and with the margin over the runner-up.
/// </summary>
internal sealed class IntentClassifier
{
    private const double MinEvidence = 1.0;       // below this nothing but greeting/other is claimed
    private const double GreetingCeiling = 2.0;    // a greeting wins while the best other intent stays below this

    private readonly CueSet _cues = new(IntentCues.Cues(), RejectsIntent);

    private static readonly HashSet<string> Not = new(StringComparer.Ordinal) { "not", "no", "nao", "sin", "nem", "ni" };
    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal) { "a", "an", "the", "any", "my", "our", "um", "uma", "un", "una" };
    private static readonly HashSet<string> Refusals = new(StringComparer.Ordinal) { "don't", "doesn't", "didn't", "won't", "not", "nao", "no", "never" };
    private static readonly HashSet<string> Wishes = new(StringComparer.Ordinal) { "want", "need", "wish", "plan", "intend", "going", "trying", "quero", "quiero", "preciso", "necesito" };

    /// <summary>
    /// A cue speaks against its intent only when the customer rejects it: "not interested", "not a
    /// complaint", "I don't want to cancel". A problem ("I can't log in", "didn't get the invite")
    /// still asks for help, so other negations don't count here.
    /// </summary>
    private static bool RejectsIntent(IReadOnlyList<Token> tokens, int i)
    {
        if (i >= 1 && !tokens[i].BreakBefore && Not.Contains(tokens[i - 1].Text)) return true;
        if (i >= 2 && !tokens[i].BreakBefore && !tokens[i - 1].BreakBefore && Not.Contains(tokens[i - 2].Text) && Determiners.Contains(tokens[i - 1].Text)) return true;
        for (var j = i - 1; j >= 1 && j >= i - 4; j--)
        {
            if (tokens[j + 1].BreakBefore) break;
            if (Wishes.Contains(tokens[j].Text) && Refusals.Contains(tokens[j - 1].Text)) return true;
        }
        return false;
    }

    public IEnumerable<string> Words => _cues.Words;

    public (string Intent, double Confidence) Classify(IReadOnlyList<Token> tokens, double sentiment)
    {
        var scores = Score(tokens, sentiment);
        string? best = null, second = null;
        foreach (var intent in IntentCues.All)
        {
            if (intent == IntentCues.Greeting) continue;
            if (best is null || scores[intent] > scores[best]) { second = best; best = intent; }
            else if (second is null || scores[intent] > scores[second]) second = intent;
        }
        var top = scores[best!];
        var runnerUp = scores[second!];
        var greeting = scores[IntentCues.Greeting];

        if (greeting > 0 && top < GreetingCeiling) return (IntentCues.Greeting, Confidence(greeting + 1, top));
        if (top < MinEvidence) return (IntentCues.Other, Math.Round(0.5 - 0.2 * top, 2));
        return (best!, Confidence(top, runnerUp));
    }

    internal Dictionary<string, double> Score(IReadOnlyList<Token> tokens, double sentiment)
    {
        var scores = IntentCues.All.ToDictionary(i => i, _ => 0.0, StringComparer.Ordinal);
        // What follows "but" is the point of the message ("thanks for the help, but the export still fails").
        var pivot = -1;
        for (var i = tokens.Count - 1; i > 0 && pivot < 0; i--) if (tokens[i].Text is "but" or "however" or "mas" or "pero" or "porem") pivot = i;
        foreach (var hit in Strongest(_cues.Match(tokens)))
        {
            var w = hit.Negated ? -0.3 * hit.Weight : hit.Weight;
            if (pivot >= 0) w *= hit.Start < pivot ? 0.7 : 1.3;
            scores[hit.Label] += w;
        }
        // An angry or disappointed tone is itself evidence of a complaint.
        if (sentiment <= -0.5) scores[IntentCues.Complaint] += -sentiment;
        foreach (var k in IntentCues.All) scores[k] = Math.Max(0, scores[k]);
        return scores;
    }

    /// <summary>
    /// Words are evidence once: where cues overlap ("free plan" and "plan", "closing the account"
    /// and "account"), the strongest claims them (then the longest).
    /// </summary>
    private static List<CueHit> Strongest(List<CueHit> hits)
    {
        var kept = new List<CueHit>();
        foreach (var h in hits.OrderByDescending(h => h.Weight).ThenByDescending(h => h.End - h.Start).ThenBy(h => h.Start).ThenBy(h => h.Label, StringComparer.Ordinal))
            if (!kept.Any(k => h.Start < k.End && k.Start < h.End)) kept.Add(h);
        return kept;
    }

    /// <summary>0..1: saturating in the evidence, scaled down when the runner-up is close.</summary>
    private static double Confidence(double top, double runnerUp)
    {
        var strength = 1 - Math.Exp(-top / 1.5);
        var margin = top <= 0 ? 0 : Math.Clamp((top - runnerUp) / top, 0, 1);
        return Math.Round(strength * (0.5 + 0.5 * margin), 2);
    }
}
