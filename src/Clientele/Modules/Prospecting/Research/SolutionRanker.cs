using System.Text.Json.Nodes;

namespace Clientele.Modules.Prospecting.Research;

/// <summary>A term of a solution found in what the prospect said or did, and where.</summary>
public sealed record TermMatch(string Term, string From, FactSource Source);

/// <summary>One recommended solution with why: the industry link and the matched keywords/use cases, each with its row.</summary>
public sealed record Recommendation(SolutionFact Solution, double Score, bool IndustryMatch, IReadOnlyList<TermMatch> Matches)
{
    public JsonObject ToJson() => new()
    {
        ["solution_id"] = Solution.Id.ToString(),
        ["name"] = Solution.Name,
        ["score"] = Score,
        ["industry_match"] = IndustryMatch,
        ["industry_source"] = Solution.IndustrySolutionId is { } link ? new FactSource("industry_solutions", link).ToJson() : null,
        ["matched_terms"] = new JsonArray(Matches.Select(m => (JsonNode)new JsonObject
        {
            ["term"] = m.Term, ["from"] = m.From, ["source"] = m.Source.ToJson(),
        }).ToArray()),
    };
}

/// <summary>
/// Ranks the catalogue for a prospect: 0.6 when industry_solutions links the solution to the
/// prospect's industry, plus up to 0.4 for its keywords and use cases found in the prospect's own
/// words (job title, interactions, events taken part in): 0.2 per matched term, at most two.
/// Deterministic, so the same rows give the same ranking whichever model writes the prose.
/// </summary>
public static class SolutionRanker
{
    public const double IndustryWeight = 0.6, TermWeight = 0.2;
    public const int MaxRecommendations = 3;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "with", "from", "into", "your", "our", "their", "teams", "team", "that", "this", "over", "via", "using", "use", "more",
    };

    /// <summary>A text the prospect is known by, with the row and column it came from.</summary>
    public sealed record Evidence(string Text, FactSource Source);

    public static IReadOnlyList<Evidence> EvidenceOf(ProspectFacts f)
    {
        var list = new List<Evidence>();
        if (f.JobTitle is { Length: > 0 } title) list.Add(new(title, new FactSource("prospects", f.ProspectId, "job_title")));
        foreach (var i in f.Interactions)
        {
            list.Add(new(i.Subject, new FactSource("interactions", i.Id, "subject")));
            list.Add(new(i.Content, new FactSource("interactions", i.Id, "content")));
            if (i.Outcome is { Length: > 0 } o) list.Add(new(o, new FactSource("interactions", i.Id, "outcome")));
        }
        foreach (var e in f.Events.Where(e => e.Attended)) list.Add(new(e.Description, new FactSource("events", e.Id, "description")));
        return list;
    }

    public static IReadOnlyList<Recommendation> Rank(ProspectFacts f)
    {
        var evidence = EvidenceOf(f).Select(e => (e.Source, Words: Words(e.Text))).ToList();
        var ranked = new List<Recommendation>();
        foreach (var solution in f.Solutions)
        {
            var matches = new List<TermMatch>();
            foreach (var (term, from) in solution.Keywords.Select(k => (k, "keywords")).Concat(solution.UseCases.Select(u => (u, "use_cases"))))
            {
                var needed = Words(term);
                if (needed.Count == 0 || matches.Any(m => string.Equals(m.Term, term, StringComparison.OrdinalIgnoreCase))) continue;
                var hit = evidence.FirstOrDefault(e => needed.IsSubsetOf(e.Words));
                if (hit.Words is not null) matches.Add(new TermMatch(term, from, hit.Source));
            }
            var industry = solution.IndustrySolutionId is not null;
            var score = Math.Round((industry ? IndustryWeight : 0) + TermWeight * Math.Min(2, matches.Count), 3);
            if (score > 0) ranked.Add(new Recommendation(solution, score, industry, matches));
        }
        return ranked.OrderByDescending(r => r.Score).ThenByDescending(r => r.Matches.Count).ThenBy(r => r.Solution.Name, StringComparer.OrdinalIgnoreCase)
            .Take(MaxRecommendations).ToList();
    }

    /// <summary>Lower-case words of 3+ letters, without stop words, a plural "s" dropped ("reminders" matches "reminder").</summary>
    public static HashSet<string> Words(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var w = raw.Trim('-');
            if (w.Length < 3 || StopWords.Contains(w)) continue;
            set.Add(w.Length > 4 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) ? w[..^1] : w);
        }
        return set;
    }

    private static readonly char[] Separators = " \t\r\n.,;:!?()[]{}\"'/\\|&+*=<>#@%^~`$".ToCharArray();
}
