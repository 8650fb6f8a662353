using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;

namespace Clientele.Modules.Success.Segments;

/// <summary>
/// The rules that place a customer in its system segments (issue 11 item 9), pure over the health
/// evidence: value by MRR band, lifecycle by stage, industry, behaviour by the usage trend, and risk
/// by churn risk. Each with a confidence (how much data it stood on) and the numbers it used.
/// </summary>
public static class SegmentRules
{
    public sealed record Assigned(string Type, string Name, decimal Confidence, JsonObject Basis);

    /// <summary>MRR bands: at least this much a month (customer's MRR, else its subscriptions' ARR / 12).</summary>
    public static readonly (decimal Min, string Name)[] ValueBands = [(10_000m, "enterprise"), (2_000m, "mid-market"), (500m, "smb"), (0.01m, "starter")];

    public const double GrowingPercent = 20, DecliningPercent = -20;

    /// <summary>What does not depend on the score: value, lifecycle, industry, behaviour (so the health model can be chosen by them).</summary>
    public static List<Assigned> BeforeScore(HealthEvidence e)
    {
        var list = new List<Assigned>();
        var mrr = e.Mrr is > 0 ? e.Mrr : e.SubscriptionArr is > 0 ? Math.Round(e.SubscriptionArr.Value / 12, 2) : null;
        if (mrr is { } m && ValueBands.FirstOrDefault(b => m >= b.Min) is { Name: not null } band)
            list.Add(new("value", band.Name, 1.00m, new JsonObject { ["mrr"] = m, ["from"] = e.Mrr is > 0 ? "customers.mrr" : "subscriptions.arr / 12", ["band_min"] = band.Min }));
        if (!string.IsNullOrWhiteSpace(e.Stage))
            list.Add(new("lifecycle", e.Stage!, 1.00m, new JsonObject { ["stage"] = e.Stage }));
        if (!string.IsNullOrWhiteSpace(e.Industry))
            list.Add(new("industry", e.Industry!.Trim().ToLowerInvariant(), 1.00m, new JsonObject { ["industry"] = e.Industry }));
        if (e.UsageDays90 > 0)
        {
            // Behaviour: week-over-week DAU; usage rows in 90 days but none in 30 is dormant.
            var (name, confidence) = e.UsageDays == 0 ? ("dormant", 0.80m)
                : e.DauChangePercent is not { } change ? ("stable", 0.30m)
                : (change >= GrowingPercent ? "growing" : change <= DecliningPercent ? "declining" : "stable", Math.Min(1m, Math.Round(e.UsageDays / 14m, 2)));
            list.Add(new("behavior", name, confidence, new JsonObject { ["dau_change_percent"] = e.DauChangePercent, ["usage_days_30d"] = e.UsageDays, ["usage_days_90d"] = e.UsageDays90 }));
        }
        return list;
    }

    /// <summary>Risk, from the churn risk just computed; its confidence is the computation's.</summary>
    public static Assigned? Risk(HealthResult r) => r.ChurnRisk is not { } risk ? null
        : new("risk", risk >= 0.7m ? "high-risk" : risk >= 0.4m ? "medium-risk" : "low-risk", Math.Round(Math.Clamp(r.Confidence, 0m, 1m), 2),
            new JsonObject { ["churn_risk"] = risk, ["health_score"] = r.Score, ["confidence"] = r.Confidence.ToString("0.00", CultureInfo.InvariantCulture) });
}
