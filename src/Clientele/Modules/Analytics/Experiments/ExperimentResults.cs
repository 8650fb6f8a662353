using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics.Experiments;

/// <summary>
/// GET /api/v1/experiments/{test_name}/results: per variant the conversations assigned and ended,
/// the AI resolution rate (resolved_by_ai / ended) with its 95% Wilson interval, the escalation
/// rate, mean CSAT and first response time; then the verdict: the best variant against each other
/// one by a two-proportion z-test at 5%. A winner is named only when every comparison is significant.
/// </summary>
public static class ExperimentResults
{
    public const double Alpha = 0.05;

    public sealed record Arm(string Variant, int Weight, long Assigned, long Ended, long ResolvedByAi, long Escalated, double? Csat, double? FirstResponseSeconds);

    /// <summary>The results of the organization's latest experiments, running ones first (the reports page).</summary>
    public static async Task<List<JsonObject>> RecentAsync(TenantSession s, int limit, CancellationToken ct)
    {
        var names = await s.ReadListAsync("""
            SELECT test_name FROM agent_experiments WHERE organization_id = $1 AND deleted_at IS NULL
            ORDER BY status = 'running' DESC, started_at DESC LIMIT $2
            """, [s.OrganizationId, limit], r => r.GetString(0), ct);
        var results = new List<JsonObject>();
        foreach (var name in names)
            if (await ComputeAsync(s, name, ct) is { } r) results.Add(r);
        return results;
    }

    public static async Task<JsonObject?> ComputeAsync(TenantSession s, string testName, CancellationToken ct)
    {
        var experiment = await s.ReadFirstAsync("SELECT variants::text, status, agent_id, started_at, stopped_at FROM agent_experiments WHERE organization_id = $1 AND test_name = $2 AND deleted_at IS NULL",
            [s.OrganizationId, testName], r => (Variants: r.GetString(0), Status: r.GetString(1), Agent: r.GetGuid(2), Started: r.GetDateTime(3), Stopped: r.IsDBNull(4) ? (DateTime?)null : r.GetDateTime(4)), ct);
        if (experiment.Variants is null) return null;
        var rows = await s.ReadListAsync("""
            SELECT variant, count(*), count(outcome), count(*) FILTER (WHERE outcome = 'resolved_by_ai'), count(*) FILTER (WHERE outcome = 'escalated'),
                   avg((extra_metadata->>'csat')::double precision), avg((extra_metadata->>'first_response_seconds')::double precision)
            FROM ab_tests WHERE organization_id = $1 AND test_name = $2 AND deleted_at IS NULL
            GROUP BY variant
            """, [s.OrganizationId, testName],
            r => (Variant: r.GetString(0), Assigned: r.GetInt64(1), Ended: r.GetInt64(2), Ai: r.GetInt64(3), Esc: r.GetInt64(4),
                  Csat: r.IsDBNull(5) ? (double?)null : r.GetDouble(5), Frt: r.IsDBNull(6) ? (double?)null : r.GetDouble(6)), ct);
        var arms = ExperimentVariants.FromStored(experiment.Variants).Select(v =>
        {
            var row = rows.FirstOrDefault(x => x.Variant == v.Name);
            return new Arm(v.Name, v.Weight, row.Assigned, row.Ended, row.Ai, row.Esc, row.Csat, row.Frt);
        }).ToList();
        return Describe(testName, experiment.Status, experiment.Agent, arms);
    }

    public static JsonObject Describe(string testName, string status, Guid agentId, IReadOnlyList<Arm> arms)
    {
        var variants = new JsonArray();
        foreach (var a in arms)
        {
            var (low, high) = ExperimentStats.Wilson(a.ResolvedByAi, a.Ended);
            variants.Add(new JsonObject
            {
                ["variant"] = a.Variant, ["weight"] = a.Weight, ["assigned"] = a.Assigned, ["ended"] = a.Ended,
                ["resolved_by_ai"] = a.ResolvedByAi, ["escalated"] = a.Escalated,
                ["ai_resolution_rate"] = a.Ended == 0 ? null : Math.Round((double)a.ResolvedByAi / a.Ended, 4),
                ["ai_resolution_rate_ci95"] = a.Ended == 0 ? null : new JsonArray(Math.Round(low, 4), Math.Round(high, 4)),
                ["escalation_rate"] = a.Ended == 0 ? null : Math.Round((double)a.Escalated / a.Ended, 4),
                ["avg_csat"] = a.Csat is { } c ? Math.Round(c, 2) : null,
                ["avg_first_response_seconds"] = a.FirstResponseSeconds is { } f ? Math.Round(f, 1) : null,
            });
        }
        return new JsonObject
        {
            ["test_name"] = testName, ["status"] = status, ["agent_id"] = agentId.ToString(), ["metric"] = "ai_resolution_rate",
            ["variants"] = variants, ["verdict"] = Verdict(arms),
        };
    }

    private static JsonObject Verdict(IReadOnlyList<Arm> arms)
    {
        var ended = arms.Where(a => a.Ended > 0).ToList();
        if (ended.Count < 2)
            return new JsonObject { ["significant"] = false, ["winner"] = null, ["summary"] = "Not enough ended conversations yet: every variant needs some." };
        var best = ended.MaxBy(a => (double)a.ResolvedByAi / a.Ended)!;
        var comparisons = new JsonArray();
        var allSignificant = true;
        foreach (var other in ended.Where(a => a != best))
        {
            var test = ExperimentStats.TwoProportion(best.ResolvedByAi, best.Ended, other.ResolvedByAi, other.Ended);
            var significant = test is { P: < Alpha } && (double)best.ResolvedByAi / best.Ended > (double)other.ResolvedByAi / other.Ended;
            allSignificant &= significant;
            comparisons.Add(new JsonObject
            {
                ["against"] = other.Variant, ["z"] = test is { } t ? Math.Round(t.Z, 4) : null, ["p_value"] = test is { } u ? Math.Round(u.P, 6) : null,
                ["significant"] = significant,
            });
        }
        var summary = allSignificant
            ? $"{best.Variant} wins: its AI resolution rate ({(double)best.ResolvedByAi / best.Ended:P1}) is higher than every other variant's at the 5% level."
            : $"No significant winner yet: {best.Variant} leads ({(double)best.ResolvedByAi / best.Ended:P1}) but the difference could be chance at the 5% level; keep it running.";
        return new JsonObject
        {
            ["significant"] = allSignificant, ["winner"] = allSignificant ? best.Variant : null, ["leader"] = best.Variant,
            ["alpha"] = Alpha, ["test"] = "two-proportion z-test (pooled), two-sided", ["comparisons"] = comparisons, ["summary"] = summary,
        };
    }
}
