using System.Text.Json.Nodes;
using Clientele.Modules.Sales;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Prospecting.Research;

/// <summary>
/// POST /prospects/{id}/research: reads what is known (ProspectFacts), ranks the catalogue
/// (SolutionRanker), has the model (or the built-in engine) write the summary and insights from the
/// numbered facts, and stores one prospect_research row. A model's insight that cites no known fact
/// is dropped, so every stored insight names its row. A new prospect moves to researching.
/// </summary>
public sealed class ResearchProspect(ProspectingModel model)
{
    public const string Workflow = "prospect_research", Node = "research";

    private const string System = """
        You are a sales research assistant. From the numbered FACTS only, write JSON:
        {"summary": "3-4 sentences for a sales rep", "insights": [{"text": "one insight", "fact": "F1"}]}.
        Every insight cites exactly one fact key from FACTS. Do not invent facts, numbers or names.
        """;

    public async Task<(ActionOutcome Outcome, Guid? ResearchId)> RunAsync(TenantSession s, Guid prospectId, DateTime now, CancellationToken ct)
    {
        var facts = await ProspectFacts.ReadAsync(s, prospectId, now, ct);
        if (facts is null) return (ActionOutcome.Missing($"No prospect with id {prospectId}."), null);
        var ranked = SolutionRanker.Rank(facts);
        var sheet = FactSheet.Build(facts, ranked);
        var builtIn = ResearchEngine.Write(facts, sheet, ranked);
        var user = "PROSPECT: " + facts.FullName + "\nRECOMMENDED SOLUTIONS (ranked): " + string.Join(", ", ranked.Select(r => r.Solution.Name)) +
                   "\nFACTS (JSON):\n" + sheet.ToJson().ToJsonString();
        var answer = await model.AskAsync(s, Workflow, Node, System, user, () => builtIn.Summary + "\n" + Insights(builtIn).ToJsonString(), ct);
        var result = answer.Json is { } json ? FromModel(json, sheet, builtIn) : builtIn;

        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO prospect_research (id, organization_id, prospect_id, research_summary, key_insights, recommended_solutions, confidence_score)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [id, s.OrganizationId, prospectId, result.Summary, Insights(result),
                new JsonArray(result.Recommendations.Select(r => (JsonNode)r.ToJson()).ToArray()), result.Confidence], ct);
        await SalesRows.CreatedAsync(s, "prospect_research", id, ct);
        if (facts.Status == "new")
        {
            var before = (await SalesRows.ReadAsync(s, "prospects", prospectId, ct))!;
            await s.ExecuteAsync("UPDATE prospects SET status = 'researching', updated_at = now() WHERE organization_id = $1 AND id = $2", [s.OrganizationId, prospectId], ct);
            await SalesRows.UpdatedAsync(s, "prospects", prospectId, before, ct);
        }
        return (ActionOutcome.Done, id);
    }

    private static JsonArray Insights(ResearchResult r) => new(r.Insights.Select(i => (JsonNode)i.ToJson()).ToArray());

    /// <summary>The model's prose with the engine's ranking and confidence; its insights kept only when they cite a known fact.</summary>
    internal static ResearchResult FromModel(JsonObject json, FactSheet sheet, ResearchResult builtIn)
    {
        var summary = json["summary"] is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? Cut(text.Trim(), 4000) : builtIn.Summary;
        var insights = new List<Insight>();
        if (json["insights"] is JsonArray list)
            foreach (var item in list.OfType<JsonObject>())
                if (item["text"] is JsonValue tv && tv.TryGetValue<string>(out var t) && !string.IsNullOrWhiteSpace(t) && sheet.Find(item["fact"]?.ToString()) is { } fact)
                    insights.Add(new Insight(Cut(t.Trim(), 500), fact.Source, fact.Key));
        return builtIn with { Summary = summary, Insights = insights.Count > 0 ? insights.Take(ResearchEngine.MaxInsights).ToList() : builtIn.Insights };
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
