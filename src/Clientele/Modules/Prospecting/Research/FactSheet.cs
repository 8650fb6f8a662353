using System.Globalization;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Prospecting.Research;

/// <summary>One checkable statement (F1, F2, ...) with the row it came from.</summary>
public sealed record Fact(string Key, string Text, FactSource Source)
{
    public JsonObject ToJson() => new() { ["fact"] = Key, ["text"] = Text, ["source"] = Source.ToJson() };
}

/// <summary>
/// The numbered facts about a prospect: its company, role, interactions, events, and why each
/// recommended solution fits. The built-in engine writes insights straight from them; a model is
/// given them and may cite only their keys, so every insight or claim it keeps has a row behind it.
/// </summary>
public sealed class FactSheet
{
    private readonly List<Fact> _facts = [];

    public IReadOnlyList<Fact> Facts => _facts;
    public Fact? Find(string? key) => _facts.FirstOrDefault(f => string.Equals(f.Key, key?.Trim(), StringComparison.OrdinalIgnoreCase));

    public Fact Add(string text, FactSource source)
    {
        var fact = new Fact("F" + (_facts.Count + 1).ToString(CultureInfo.InvariantCulture), text, source);
        _facts.Add(fact);
        return fact;
    }

    public JsonArray ToJson() => new(_facts.Select(f => (JsonNode)f.ToJson()).ToArray());

    public static FactSheet Build(ProspectFacts p, IReadOnlyList<Recommendation> ranked)
    {
        var sheet = new FactSheet();
        sheet.Add($"{p.Company} is a {p.Industry} company with {p.Size} employees.", new FactSource("companies", p.CompanyId, "size"));
        if (p.JobTitle is { Length: > 0 } title) sheet.Add($"{p.FullName} is {title} at {p.Company}.", new FactSource("prospects", p.ProspectId, "job_title"));
        if (p.Website is { Length: > 0 } site) sheet.Add($"{p.Company}'s website is {site}.", new FactSource("companies", p.CompanyId, "website"));
        foreach (var i in p.Interactions.Take(5))
        {
            var outcome = i.Outcome is { Length: > 0 } o ? $" Outcome: {Sentence(o)}" : "";
            var mood = i.Sentiment is { Length: > 0 } m ? $" ({m})" : "";
            sheet.Add($"{Day(i.Date)} {Label(i.Type)} \"{i.Subject}\"{mood}: {Sentence(i.Content)}{outcome}", new FactSource("interactions", i.Id));
        }
        foreach (var e in p.Events.Take(3))
            sheet.Add(e.Attended
                ? $"{p.FirstName} took part in the {e.Type} on {Day(e.Date)} in {e.Location}: {Sentence(e.Description)}"
                : $"The {e.Type} on {Day(e.Date)} in {e.Location} targets {p.Industry}: {Sentence(e.Description)}", new FactSource("events", e.Id));
        foreach (var r in ranked)
        {
            if (r.Solution.IndustrySolutionId is { } link) sheet.Add($"{r.Solution.Name} serves the {p.Industry} industry.", new FactSource("industry_solutions", link));
            foreach (var m in r.Matches)
                sheet.Add($"\"{m.Term}\" (a {(m.From == "keywords" ? "keyword" : "use case")} of {r.Solution.Name}) comes up in {m.Source.Table}.{m.Source.Field}.", m.Source);
        }
        return sheet;
    }

    public static string Day(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static string Label(string interactionType) => interactionType switch { "linkedin" => "LinkedIn message", "call" => "call", "email" => "email", _ => interactionType };

    private static string Sentence(string text)
    {
        var t = text.Trim();
        if (t.Length > 240) t = t[..240].TrimEnd() + "…";
        return t.Length > 0 && !".!?…".Contains(t[^1]) ? t + "." : t;
    }
}
