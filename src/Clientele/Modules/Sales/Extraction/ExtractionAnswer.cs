using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Engine;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Reads the extraction call's answer over the rules' reading. The built-in engine answers its
/// conversation analysis (entities under "entities"), the same analysis the rules scored: the
/// rules' reading stands and the call's intent label is kept. A model answers the lead shape of <see cref="ExtractionPrompt"/>: each field
/// it gives with a valid value wins, anything it omits or garbles stays the rules' (listed in
/// FilledByRules), and an evidence quote is kept only if it really is the customer's words.
/// Button clicks are facts: a model can add CTA flags, never remove them.
/// </summary>
public static class ExtractionAnswer
{
    public static LeadReading Merge(LeadReading rules, string answer, ConversationSnapshot c)
    {
        var o = Parse(answer);
        if (o is null) return rules with { Method = "rules", FilledByRules = ["everything: the answer was not JSON"] };
        if (o["entities"] is JsonObject && AnalysisJson.TryParse(answer, out var analysis))
        {
            var e = analysis.Entities;
            return rules with
            {
                // The same analysis as the rules', which also know the profile ("Maria" → "Maria Lopez").
                Name = rules.Name ?? e.Name, Email = rules.Email ?? e.Email, Company = rules.Company ?? e.Company,
                Seats = rules.Seats ?? e.Seats, IntentCategory = analysis.Intent, Method = "builtin",
            };
        }

        var filled = new List<string>();
        string? Field(string name, string? fallback, int max = 255)
        {
            if (Str(o[name]) is { } v && v.Length <= max) return v;
            filled.Add(name);
            return fallback;
        }
        Dimension Level(string key, string field, Dimension fallback, Func<string, int> score, params string[] allowed)
        {
            var level = Str(o[field]) is { } l ? allowed.FirstOrDefault(a => a.Equals(l, StringComparison.OrdinalIgnoreCase)) : null;
            if (level is null) { filled.Add(field); return fallback; }
            var why = Str(o["reasons"]?[key]) ?? fallback.Why;
            var quote = Str(o["evidence"]?[key]);
            IReadOnlyList<string> evidence = quote is not null && CustomerQuotes.IsVerbatim(quote, c.CustomerLines) ? [CustomerQuotes.Cut(quote)]
                : level == fallback.Level ? fallback.Evidence : [];
            return new Dimension(level, score(level), why, evidence);
        }

        var ctas = rules.Ctas.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (o["requests"] is JsonArray requests)
            foreach (var r in requests.Select(Str).OfType<string>())
            {
                var key = r.ToLowerInvariant() switch { "human" => CtaDetector.Human, var k => k };
                if (ctas.TryGetValue(key, out var flag) && !flag.Yes) ctas[key] = new CtaFlag(true, "model", null);
            }
        else filled.Add("requests");

        var seats = Num(o["seats"]) is { } n && n is >= 1 and <= 1_000_000 ? (int)n : rules.Seats;
        return rules with
        {
            Name = Field("name", rules.Name),
            Email = Field("email", rules.Email) is { } email && Platform.Http.Validation.IsEmail(email) ? email : rules.Email,
            Company = Field("company", rules.Company),
            Seats = seats,
            Intent = Field("intent", rules.Intent, 500)!,
            IntentLevel = Level("intent", "intent_level", rules.IntentLevel, LeadScoring.LevelScore, "Low", "Medium", "High"),
            Urgency = Level("urgency", "urgency_level", rules.Urgency, LeadScoring.LevelScore, "Low", "Medium", "High"),
            Budget = Level("budget", "budget_constraint", rules.Budget, LeadScoring.BudgetScore, "Yes", "No", "Maybe"),
            Fit = Level("fit", "fit_alignment", rules.Fit, LeadScoring.LevelScore, "Low", "Medium", "High"),
            Engagement = Level("engagement", "engagement_health", rules.Engagement, LeadScoring.LevelScore, "Low", "Medium", "High"),
            Ctas = ctas,
            Method = "model",
            FilledByRules = filled,
        };
    }

    /// <summary>The first JSON object in the text (models wrap it in a ```json fence or add prose).</summary>
    private static JsonObject? Parse(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) return null;
        try { return JsonNode.Parse(text[start..(end + 1)]) as JsonObject; }
        catch (JsonException) { return null; }
    }

    private static string? Str(JsonNode? n) =>
        n is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) && !s.Equals("null", StringComparison.OrdinalIgnoreCase) ? s.Trim() : null;

    private static double? Num(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        return v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null;
    }
}
