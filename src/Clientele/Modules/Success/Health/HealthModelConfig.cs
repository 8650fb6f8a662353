using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Health;

/// <summary>The thresholds a model uses for health events and risk detectors (docs/success.md lists them).</summary>
public sealed record HealthThresholds(
    double HealthChange = 10, double ChurnChange = 15, double EngagementDrop = 20, double UsageSpikePercent = 50,
    double UsageDropPercent = 30, double NoLoginDays = 14, double RenewalHealth = 50, double HighRiskScore = 40)
{
    public static HealthThresholds From(JsonObject? o)
    {
        double V(string key, double d) => o?[key] is JsonValue v && v.TryGetValue<double>(out var x) ? x : d;
        var d = new HealthThresholds();
        return new HealthThresholds(V("health_change", d.HealthChange), V("churn_change", d.ChurnChange), V("engagement_drop", d.EngagementDrop),
            V("usage_spike_percent", d.UsageSpikePercent), V("usage_drop_percent", d.UsageDropPercent), V("no_login_days", d.NoLoginDays),
            V("renewal_health", d.RenewalHealth), V("high_risk_score", d.HighRiskScore));
    }
}

/// <summary>
/// One health model as used: weights per component (renormalised over the components that have
/// data) and thresholds. With no health_models row the built-in <see cref="Default"/> applies;
/// a customer whose segment (customers.segment, else one of its system segments) has an active model
/// uses it, others the organization's.
/// </summary>
public sealed record HealthModelConfig(Guid? Id, string Name, string? Segment, IReadOnlyDictionary<string, double> Weights, HealthThresholds Thresholds)
{
    public static readonly string[] Components = ["usage", "support", "billing", "engagement", "seats"];

    public static readonly HealthModelConfig Default = new(null, "Default", null,
        new Dictionary<string, double> { ["usage"] = 30, ["support"] = 20, ["billing"] = 20, ["engagement"] = 15, ["seats"] = 15 }, new HealthThresholds());

    /// <summary>The organization's active models: the default (segment NULL, or built-in) and one per segment.</summary>
    public sealed record Set(HealthModelConfig Default, IReadOnlyDictionary<string, HealthModelConfig> BySegment)
    {
        public HealthModelConfig For(string? segment) =>
            segment is not null && BySegment.TryGetValue(segment, out var m) ? m : Default;

        /// <summary>customers.segment first, then the first of the system segments (value, lifecycle, industry, behaviour) that has a model.</summary>
        public HealthModelConfig For(string? segment, IEnumerable<string> assigned)
        {
            if (segment is not null && BySegment.TryGetValue(segment, out var m)) return m;
            foreach (var name in assigned) if (BySegment.TryGetValue(name, out var bySystem)) return bySystem;
            return Default;
        }
    }

    public static async Task<Set> LoadAsync(TenantSession s, CancellationToken ct)
    {
        var rows = await s.QueryAsync("SELECT id, name, segment, weights::text, thresholds::text FROM health_models WHERE organization_id = $1 AND is_active",
            [s.OrganizationId], r => new HealthModelConfig(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                Weigh(JsonNode.Parse(r.GetString(3)) as JsonObject), HealthThresholds.From(JsonNode.Parse(r.GetString(4)) as JsonObject)), ct);
        var org = rows.FirstOrDefault(m => m.Segment is null) ?? Default;
        return new Set(org, rows.Where(m => m.Segment is not null).ToDictionary(m => m.Segment!, m => m, StringComparer.Ordinal));
    }

    /// <summary>A model's weights; a component it leaves out weighs 0.</summary>
    private static Dictionary<string, double> Weigh(JsonObject? o) =>
        Components.ToDictionary(c => c, c => o?[c] is JsonValue v && v.TryGetValue<double>(out var x) ? x : 0);
}
