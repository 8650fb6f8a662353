using System.Globalization;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Success.Health;

/// <summary>A customer_health_events row to write.</summary>
public sealed record HealthEventRow(string Type, decimal? OldValue, decimal? NewValue, string Severity, string Reason, JsonObject Metadata);

/// <summary>
/// The thresholds that turn a recomputation into customer_health_events (seed 000's four types).
/// Each compares the new computation with the previous one, so a level that stays past a threshold
/// writes its event once, when it is crossed.
/// </summary>
public static class HealthEvents
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>What the previous computation said (customer_health_scores), null on the first one.</summary>
    public sealed record Previous(int? Score, decimal? ChurnRisk, int? Engagement, double? DauChangePercent);

    public static List<HealthEventRow> Between(Previous? before, HealthResult now, double? dauChange, HealthThresholds t)
    {
        var list = new List<HealthEventRow>();
        if (before is null) return list;
        if (before.Score is { } o && now.Score is { } n && Math.Abs(n - o) >= t.HealthChange)
        {
            var drop = o - n;
            var severity = drop >= 30 ? "critical" : drop >= 20 ? "high" : drop >= t.HealthChange ? "medium" : "low";
            list.Add(new("health_score_change", o, n, severity, $"Health score {(drop > 0 ? "fell" : "rose")} from {o} to {n}: " + Drivers(now),
                new JsonObject { ["threshold"] = t.HealthChange }));
        }
        if (before.ChurnRisk is { } oc && now.ChurnRisk is { } nc && Math.Abs(nc - oc) * 100 >= (decimal)t.ChurnChange)
        {
            var severity = nc > oc ? (nc >= 0.7m ? "high" : "medium") : "low";
            list.Add(new("churn_risk_change", oc, nc, severity, $"Churn risk {(nc > oc ? "rose" : "fell")} from {oc.ToString("0.00", Inv)} to {nc.ToString("0.00", Inv)}",
                new JsonObject { ["threshold_points"] = t.ChurnChange }));
        }
        if (before.Engagement is { } oe && now["engagement"].Score is { } ne && oe - ne >= t.EngagementDrop)
            list.Add(new("engagement_drop", oe, ne, oe - ne >= 2 * t.EngagementDrop ? "high" : "medium",
                $"Engagement fell from {oe} to {ne}: " + string.Join("; ", now["engagement"].Evidence.Select(e => e.Fact)),
                new JsonObject { ["threshold"] = t.EngagementDrop }));
        if (dauChange is { } d && d >= t.UsageSpikePercent && !(before.DauChangePercent >= t.UsageSpikePercent))
            list.Add(new("usage_spike", (decimal?)before.DauChangePercent is { } p ? Math.Round(p, 2) : null, Math.Min(999.99m, Math.Round((decimal)d, 2)), "low",
                $"Daily active users up {d.ToString("0.#", Inv)}% week over week: an expansion conversation may fit",
                new JsonObject { ["threshold_percent"] = t.UsageSpikePercent }));
        return list;
    }

    /// <summary>The two components that pull the score down the most, in words.</summary>
    public static string Drivers(HealthResult r) => string.Join("; ", r.Components.Where(c => c.Score is not null)
        .OrderBy(c => c.Score).Take(2).Select(c => $"{c.Name} {c.Score}" + (c.Evidence.Where(e => e.Points < 0).OrderBy(e => e.Points).FirstOrDefault() is { } worst ? $" ({worst.Fact})" : "")));
}
