using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The analysis as JSON text, the shape both providers answer for the "analyze" and "extract"
/// tasks (docs/ai.md): snake_case, every field present, dates as ISO 8601 UTC.
/// <code>
/// {"intent":"demo","intent_confidence":0.86,"sentiment":0.0,"emotion":"urgency","urgency":"high",
///  "entities":{"name":"Maria","email":null,"phone":null,"company":"Acme","seats":200,"budget":"Yes",
///              "budget_amount":null,"budget_currency":null,"datetimes":["2026-03-11T15:00:00Z"]}}
/// </code>
/// </summary>
public static class AnalysisJson
{
    public static string Serialize(MessageAnalysis a)
    {
        var e = a.Entities;
        var o = new JsonObject
        {
            ["intent"] = a.Intent,
            ["intent_confidence"] = a.IntentConfidence,
            ["sentiment"] = a.Sentiment,
            ["emotion"] = a.Emotion,
            ["urgency"] = a.Urgency,
            ["entities"] = new JsonObject
            {
                ["name"] = e.Name,
                ["email"] = e.Email,
                ["phone"] = e.Phone,
                ["company"] = e.Company,
                ["seats"] = e.Seats,
                ["budget"] = e.Budget,
                ["budget_amount"] = e.BudgetAmount,
                ["budget_currency"] = e.BudgetCurrency,
                ["datetimes"] = new JsonArray((e.DateTimes ?? []).Select(t => (JsonNode?)JsonValue.Create(
                    t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))).ToArray()),
            },
        };
        return o.ToJsonString();
    }

    /// <summary>
    /// Reads the shape back, leniently: a model may wrap it in a ```json fence or add prose around
    /// it, omit fields, or give numbers as strings. Unknown labels are kept as written.
    /// </summary>
    public static bool TryParse(string? text, out MessageAnalysis analysis)
    {
        analysis = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) return false;
        JsonObject o;
        try { o = JsonNode.Parse(text[start..(end + 1)]) as JsonObject ?? throw new JsonException(); }
        catch (JsonException) { return false; }
        var e = o["entities"] as JsonObject ?? [];
        var times = new List<DateTimeOffset>();
        if (e["datetimes"] is JsonArray arr)
            foreach (var item in arr)
                if (item?.ToString() is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    times.Add(t.ToUniversalTime());
        analysis = new MessageAnalysis(
            Str(o["intent"]) ?? "other",
            Math.Clamp(Num(o["intent_confidence"]) ?? 0, 0, 1),
            Math.Clamp(Num(o["sentiment"]) ?? 0, -1, 1),
            Str(o["emotion"]) ?? "neutral",
            Str(o["urgency"]) ?? "low",
            new ExtractedEntities(
                Str(e["name"]), Str(e["email"]), Str(e["phone"]), Str(e["company"]),
                Num(e["seats"]) is { } seats && seats is >= 1 and <= int.MaxValue ? (int)seats : null,
                Str(e["budget"]),
                Num(e["budget_amount"]) is { } amount ? (decimal)amount : null,
                Str(e["budget_currency"]),
                times.Count == 0 ? null : times));
        return true;
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static double? Num(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<decimal>(out var m)) return (double)m;
        return v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null;
    }
}
