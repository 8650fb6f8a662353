using System.Globalization;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// extractions.reasoning: why each score, with the customer's words quoted.
/// <code>
/// {"trigger": "messages", "method": "builtin", "model": "clientele-builtin-1", "customer_messages": 3,
///  "scores": {"intent": {"level": "High", "score": 3, "why": "asked for a demo", "evidence": ["We'd like a demo."]}, "urgency": …,
///             "budget": …, "fit": …, "engagement": …},
///  "total_score": 14, "lead_status_tag": "Hot", "status_why": "14 of 15; Hot is 12 or more",
///  "ctas": {"demo": {"value": "Yes", "source": "text", "evidence": "We'd like a demo."}, "pricing": {"value": "No"}, …},
///  "filled_by_rules": [], "demo_book_datetime": null}
/// </code>
/// </summary>
public static class ExtractionReasoning
{
    public static JsonObject Build(LeadReading r, string trigger, string? model, int customerMessages, DateTimeOffset? demoAt)
    {
        var scores = new JsonObject
        {
            ["intent"] = Score(r.IntentLevel),
            ["urgency"] = Score(r.Urgency),
            ["budget"] = Score(r.Budget),
            ["fit"] = Score(r.Fit),
            ["engagement"] = Score(r.Engagement),
        };
        var ctas = new JsonObject();
        foreach (var key in CtaDetector.Keys)
        {
            var f = r.Cta(key);
            var o = new JsonObject { ["value"] = f.Value };
            if (f.Source is not null) o["source"] = f.Source;
            if (f.Evidence is not null) o["evidence"] = f.Evidence;
            ctas[key] = o;
        }
        return new JsonObject
        {
            ["trigger"] = trigger,
            ["method"] = r.Method,
            ["model"] = model,
            ["customer_messages"] = customerMessages,
            ["scores"] = scores,
            ["total_score"] = r.TotalScore,
            ["lead_status_tag"] = r.Tag,
            ["status_why"] = StatusWhy(r.TotalScore),
            ["ctas"] = ctas,
            ["filled_by_rules"] = new JsonArray(r.FilledByRules.Select(f => (JsonNode)f).ToArray()),
            ["demo_book_datetime"] = demoAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
    }

    public static string StatusWhy(int total) => LeadScoring.Tag(total) switch
    {
        "Hot" => $"{total} of 15; Hot is {LeadScoring.HotFrom} or more",
        "Warm" => $"{total} of 15; Warm is {LeadScoring.WarmFrom} to {LeadScoring.HotFrom - 1}",
        _ => $"{total} of 15; Cold is {LeadScoring.WarmFrom - 1} or less",
    };

    private static JsonObject Score(Dimension d) => new()
    {
        ["level"] = d.Level,
        ["score"] = d.Score,
        ["why"] = d.Why,
        ["evidence"] = new JsonArray(d.Evidence.Select(e => (JsonNode)e).ToArray()),
    };
}
