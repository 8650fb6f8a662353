using System.Text.Json.Nodes;

namespace Clientele.Modules.Prospecting.Research;

/// <summary>An insight and the row behind it.</summary>
public sealed record Insight(string Text, FactSource Source, string FactKey)
{
    public JsonObject ToJson() => new() { ["text"] = Text, ["fact"] = FactKey, ["source"] = Source.ToJson() };
}

/// <summary>What research found: the prose, the checkable insights, the ranked solutions and how sure it is.</summary>
public sealed record ResearchResult(string Summary, IReadOnlyList<Insight> Insights, IReadOnlyList<Recommendation> Recommendations, double Confidence);

/// <summary>
/// The built-in (offline) research: the summary is written from the facts, each fact worth a rep's
/// time becomes an insight with its source, and the confidence grows with what is known: a role,
/// interactions, an industry link for the best solution, its terms in the prospect's own words.
/// </summary>
public static class ResearchEngine
{
    public const int MaxInsights = 10;

    public static ResearchResult Write(ProspectFacts p, FactSheet sheet, IReadOnlyList<Recommendation> ranked)
    {
        var insights = sheet.Facts.Take(MaxInsights).Select(f => new Insight(f.Text, f.Source, f.Key)).ToList();
        return new ResearchResult(Summary(p, ranked), insights, ranked, Confidence(p, ranked));
    }

    public static double Confidence(ProspectFacts p, IReadOnlyList<Recommendation> ranked)
    {
        var c = 0.3;
        if (p.JobTitle is { Length: > 0 }) c += 0.1;
        if (p.Interactions.Count > 0) c += 0.2;
        if (p.Events.Count > 0) c += 0.05;
        if (ranked.FirstOrDefault() is { } top)
        {
            if (top.IndustryMatch) c += 0.15;
            if (top.Matches.Count > 0) c += 0.15;
        }
        return Math.Round(Math.Min(0.95, c), 2);
    }

    private static string Summary(ProspectFacts p, IReadOnlyList<Recommendation> ranked)
    {
        var who = p.JobTitle is { Length: > 0 } t ? $"{p.FullName}, {t} at {p.Company}" : $"{p.FullName} at {p.Company}";
        var parts = new List<string> { $"{who} ({p.Industry}, {p.Size} employees)." };
        if (p.Interactions.FirstOrDefault() is { } last)
            parts.Add($"{p.Interactions.Count} interaction{(p.Interactions.Count == 1 ? "" : "s")} so far; the latest, a {FactSheet.Label(last.Type)} on {FactSheet.Day(last.Date)}" +
                      (last.Outcome is { Length: > 0 } o ? $", ended with \"{o}\"." : "."));
        else parts.Add("No interaction yet.");
        if (p.Events.FirstOrDefault(e => !e.Attended) is { } next) parts.Add($"Next relevant event: the {next.Type} on {FactSheet.Day(next.Date)} in {next.Location}.");
        if (ranked.FirstOrDefault() is { } top)
        {
            var why = new List<string>();
            if (top.IndustryMatch) why.Add($"it serves {p.Industry}");
            if (top.Matches.Count > 0) why.Add("they mentioned " + string.Join(", ", top.Matches.Select(m => $"\"{m.Term}\"")));
            parts.Add($"Best fit: {top.Solution.Name} ({string.Join("; ", why)}).");
        }
        else parts.Add("No solution of the catalogue matches their industry or words yet.");
        return string.Join(" ", parts);
    }
}
