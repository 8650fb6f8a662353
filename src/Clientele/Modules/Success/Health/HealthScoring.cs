using System.Globalization;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Success.Health;

/// <summary>One fact behind a component: what was read, from which table, and how many points it moved.</summary>
public sealed record Evidence(string Fact, string Source, int Points);

/// <summary>A component's score (null: no data, it does not count) and its evidence.</summary>
public sealed record HealthComponent(string Name, int? Score, double Weight, IReadOnlyList<Evidence> Evidence)
{
    public JsonObject ToJson() => new()
    {
        ["score"] = Score, ["weight"] = Weight, ["has_data"] = Score is not null,
        ["evidence"] = new JsonArray(Evidence.Select(e => (JsonNode)new JsonObject { ["fact"] = e.Fact, ["source"] = e.Source, ["points"] = e.Points }).ToArray()),
    };
}

/// <summary>The outcome of one computation: score (null when no component has data), churn risk, confidence, components.</summary>
public sealed record HealthResult(int? Score, decimal? ChurnRisk, decimal Confidence, IReadOnlyList<HealthComponent> Components)
{
    public HealthComponent this[string name] => Components.First(c => c.Name == name);

    public JsonObject ComponentsJson() => new(Components.Select(c => KeyValuePair.Create(c.Name, (JsonNode?)c.ToJson())));
}

/// <summary>
/// The health model's arithmetic, pure and deterministic (docs/success.md "Health model"). Each
/// component starts from a base and moves by the points of its evidence, clamped to 0-100. The
/// score is the weighted mean over the components that have data; missing data lowers the
/// confidence (the share of the weight that had data), never the score.
/// </summary>
public static class HealthScoring
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static HealthResult Compute(HealthEvidence e, HealthModelConfig model, DateTime now, int openHighSignals = 0)
    {
        var components = new List<HealthComponent>
        {
            Usage(e, model, now), Support(e, model), Billing(e, model), Engagement(e, model), Seats(e, model),
        };
        var total = components.Sum(c => c.Weight);
        var present = components.Where(c => c.Score is not null && c.Weight > 0).ToList();
        var weight = present.Sum(c => c.Weight);
        if (weight <= 0 || total <= 0) return new HealthResult(null, null, 0m, components);
        var score = (int)Math.Round(present.Sum(c => c.Score!.Value * c.Weight) / weight, MidpointRounding.AwayFromZero);
        var confidence = Math.Round((decimal)(weight / total), 2);
        return new HealthResult(score, ChurnRisk(score, e, now, openHighSignals), confidence, components);
    }

    /// <summary>(100 - score) / 100, plus 0.05 per open high or critical risk signal (at most 0.15), plus 0.1 when renewal is within 90 days.</summary>
    public static decimal ChurnRisk(int score, HealthEvidence e, DateTime now, int openHighSignals)
    {
        var risk = (100 - score) / 100.0 + Math.Min(3, openHighSignals) * 0.05;
        if (e.RenewalDate is { } r && r <= now.AddDays(90) && r >= now.Date && score < 50) risk += 0.1;
        return Math.Round((decimal)Math.Clamp(risk, 0, 1), 2);
    }

    private static HealthComponent Make(string name, HealthModelConfig m, int baseScore, List<Evidence> ev, bool hasData) =>
        new(name, hasData ? Math.Clamp(baseScore + ev.Sum(x => x.Points), 0, 100) : null, m.Weights.GetValueOrDefault(name), ev);

    private static string N(double v) => v.ToString("0.#", Inv);

    public static HealthComponent Usage(HealthEvidence e, HealthModelConfig m, DateTime now)
    {
        var ev = new List<Evidence>();
        var has = e.UsageDays > 0 || e.Features30 > 0;
        var start = e.Adoption ?? 60;
        ev.Add(new(e.Adoption is { } a ? $"Adoption score {a} (latest usage_metrics row)" : "No adoption score: base 60", "usage_metrics", 0));
        if (e.DauChangePercent is { } pct)
        {
            var pts = (int)Math.Round(Math.Clamp(pct / 2, -30, 15));
            ev.Add(new($"Daily active users {N(e.Dau7!.Value)} on average this week vs {N(e.DauPrev7!.Value)} the week before ({(pct >= 0 ? "+" : "")}{N(pct)}%)", "usage_metrics", pts));
        }
        if (e.LastLogin is { } last)
        {
            var days = (int)(now.Date - last.Date).TotalDays;
            if (days > m.Thresholds.NoLoginDays) ev.Add(new($"No login for {days} days (last on {last:yyyy-MM-dd})", "usage_metrics", -30));
        }
        else if (e.UsageDays90 > 0) ev.Add(new("No login in the last 90 days", "usage_metrics", -40));
        if (e.UsageDays > 0) ev.Add(new($"{e.Logins30} logins and {e.ApiCalls30} API calls in 30 days" + (e.Mau is { } mau ? $"; {mau} monthly active users" : ""), "usage_metrics", 0));
        if (e.Features30 > 0) ev.Add(new($"{e.Features30} features used in 30 days", "feature_usage", Math.Min(10, e.Features30 * 2)));
        return Make("usage", m, start, ev, has);
    }

    public static HealthComponent Support(HealthEvidence e, HealthModelConfig m)
    {
        var ev = new List<Evidence>();
        var has = e.Conversations30 > 0;
        if (e.Sentiment30 is { } s)
            ev.Add(new($"Average conversation sentiment {s.ToString("0.00", Inv)} over {e.Conversations30} conversations in 30 days", "conversations", (int)Math.Round(s * 40)));
        else if (has) ev.Add(new($"{e.Conversations30} conversations in 30 days without sentiment", "conversations", 0));
        if (e.Escalations30 > 0) ev.Add(new($"{e.Escalations30} escalated conversation{(e.Escalations30 == 1 ? "" : "s")} in 30 days", "conversations", -Math.Min(45, 15 * e.Escalations30)));
        if (e.Csat30 is { } csat) ev.Add(new($"CSAT {csat.ToString("0.0", Inv)} / 5", "conversations", (int)Math.Round((csat - 3) * 10)));
        if (e.OpenConversations > 3) ev.Add(new($"{e.OpenConversations} open support conversations", "conversations", -10));
        return Make("support", m, 75, ev, has);
    }

    public static HealthComponent Billing(HealthEvidence e, HealthModelConfig m)
    {
        var ev = new List<Evidence>();
        var has = e.Subscriptions > 0 || e.Invoices > 0;
        if (e.OverdueInvoices > 0)
            ev.Add(new($"{e.OverdueInvoices} overdue invoice{(e.OverdueInvoices == 1 ? "" : "s")}, {e.OverdueAmount.ToString("0.00", Inv)} due, oldest {e.MaxDaysOverdue} days past due", "invoices",
                -Math.Min(60, 25 * e.OverdueInvoices)));
        if (e.FailedPayments90 > 0) ev.Add(new($"{e.FailedPayments90} failed payment{(e.FailedPayments90 == 1 ? "" : "s")} in 90 days" + (e.FailedUnrecovered ? ", not yet recovered" : ""),
            "payments", -Math.Min(45, 15 * e.FailedPayments90)));
        if (e.PastDue) ev.Add(new("A subscription is past due", "subscriptions", -30));
        if (e.Credits90 > 0) ev.Add(new($"{e.Credits90.ToString("0.00", Inv)} in credits granted in 90 days", "credits", -5));
        if (has && ev.Count == 0) ev.Add(new("Invoices paid on time, no failed payments", "invoices", 0));
        return Make("billing", m, 100, ev, has);
    }

    public static HealthComponent Engagement(HealthEvidence e, HealthModelConfig m)
    {
        var ev = new List<Evidence>();
        var has = e.Contacts > 0 || e.Meetings90 > 0 || e.Qbrs90 > 0 || e.NpsScore is not null;
        if (e.Meetings90 > 0) ev.Add(new($"{e.Meetings90} meeting{(e.Meetings90 == 1 ? "" : "s")} in the last quarter", "meetings", Math.Min(45, 15 * e.Meetings90)));
        else if (has) ev.Add(new("No meeting in the last quarter", "meetings", 0));
        if (e.Qbrs90 > 0) ev.Add(new("QBR completed in the last quarter", "qbrs", 20));
        if (e.HasPrimary) ev.Add(new($"Primary contact present ({e.PrimaryName})", "customer_contacts", 15));
        else if (e.Contacts > 0) ev.Add(new("No primary contact", "customer_contacts", -10));
        if (e.PositiveContacts > 0) ev.Add(new($"{e.PositiveContacts} stakeholder{(e.PositiveContacts == 1 ? "" : "s")} with positive sentiment", "customer_contacts", Math.Min(20, 10 * e.PositiveContacts)));
        if (e.NegativeContacts > 0) ev.Add(new($"{e.NegativeContacts} stakeholder{(e.NegativeContacts == 1 ? "" : "s")} with negative sentiment", "customer_contacts", -Math.Min(30, 15 * e.NegativeContacts)));
        if (e.NpsScore is { } nps) ev.Add(new($"NPS {nps}", "customers", nps >= 50 ? 20 : nps >= 0 ? 10 : -20));
        return Make("engagement", m, 30, ev, has);
    }

    public static HealthComponent Seats(HealthEvidence e, HealthModelConfig m)
    {
        var ev = new List<Evidence>();
        // A subscription left at the schema default (1 seat, none used) says nothing about seats.
        var has = e.SeatsTotal > 0 && (e.SeatsUsed > 0 || e.SeatsTotal > 1);
        if (has)
        {
            var u = (double)e.SeatsUsed / e.SeatsTotal;
            // Unused seats are shelfware (a warning), not a dead account: 30 at none used, 100 from 78% used.
            ev.Add(new($"{e.SeatsUsed} of {e.SeatsTotal} seats used ({N(Math.Round(u * 100, 1))}%)", "subscriptions", (int)Math.Round(Math.Min(70, u * 90))));
        }
        return Make("seats", m, 30, ev, has);
    }
}
