using System.Globalization;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Success.Health;

/// <summary>A risk condition that holds now for a customer; the writer opens it once and resolves it when it stops holding.</summary>
public sealed record DetectedSignal(string Type, string Severity, string Source, string Description, JsonObject Metadata);

/// <summary>
/// The automatic risk detectors (issue 11 item 2, thresholds in docs/success.md). Each reads the
/// same evidence as the health score, so a signal and the score never disagree. Pure: the
/// writer (<see cref="RiskSignalWriter"/>) turns the set into open and resolved rows.
/// </summary>
public static class RiskDetectors
{
    /// <summary>Every signal type the detectors own: an open auto-detected signal of one of these types not detected now is resolved.</summary>
    public static readonly string[] Types =
    [
        "usage_decline", "negative_sentiment", "escalation", "overdue_invoice", "payment_failure", "champion_risk", "renewal_risk", "no_login", "competitor_mention",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<DetectedSignal> Detect(HealthEvidence e, int? score, HealthThresholds t, DateTime now)
    {
        var list = new List<DetectedSignal>();
        if (e.DauChangePercent is { } pct && pct <= -t.UsageDropPercent)
            list.Add(new("usage_decline", pct <= -50 ? "high" : "medium", "usage_metrics",
                $"Daily active users fell {(-pct).ToString("0.#", Inv)}% week over week ({e.DauPrev7!.Value:0.#} → {e.Dau7!.Value:0.#}). Run a usage review with the admins.",
                new JsonObject { ["dau_this_week"] = Math.Round(e.Dau7.Value, 1), ["dau_last_week"] = Math.Round(e.DauPrev7.Value, 1), ["change_percent"] = pct }));
        if (e.NegativeStreak)
            list.Add(new("negative_sentiment", "high", "conversations",
                "The last three conversations were negative (sentiment ≤ -0.3). Read them and call the customer.",
                new JsonObject { ["sentiment_30d"] = e.Sentiment30 is { } s ? Math.Round(s, 2) : null }));
        if (e.Escalations14 > 0)
            list.Add(new("escalation", e.Escalations14 > 1 ? "high" : "medium", "conversations",
                $"{e.Escalations14} conversation{(e.Escalations14 == 1 ? " was" : "s were")} escalated in the last 14 days. Check the handoff was resolved.",
                new JsonObject { ["escalations_14d"] = e.Escalations14 }));
        if (e.OverdueInvoices > 0)
            list.Add(new("overdue_invoice", e.MaxDaysOverdue > 30 ? "high" : "medium", "invoices",
                $"{e.OverdueInvoices} invoice{(e.OverdueInvoices == 1 ? " is" : "s are")} overdue ({e.OverdueAmount.ToString("0.00", Inv)} due, oldest {e.MaxDaysOverdue} days). Confirm the billing contact and the payment date.",
                new JsonObject { ["overdue_invoices"] = e.OverdueInvoices, ["overdue_amount"] = e.OverdueAmount, ["max_days_overdue"] = e.MaxDaysOverdue }));
        if (e.FailedUnrecovered || e.PastDue)
            list.Add(new("payment_failure", "high", e.PastDue ? "subscriptions" : "payments",
                e.PastDue ? "A subscription is past due after a failed payment. Ask the billing contact to update the payment method."
                          : "A payment failed in the last 30 days and none succeeded since. Ask the billing contact to update the payment method.",
                new JsonObject { ["failed_payments_90d"] = e.FailedPayments90, ["past_due"] = e.PastDue }));
        if (e.PrimaryGone || e.PrimaryNegative)
            list.Add(new("champion_risk", e.PrimaryGone ? "high" : "medium", "customer_contacts",
                e.PrimaryGone ? "The primary stakeholder is gone and nobody replaced them. Find and engage a new champion."
                              : $"The primary stakeholder ({e.PrimaryName}) is negative. Plan an executive conversation.",
                new JsonObject { ["primary_gone"] = e.PrimaryGone, ["primary_negative"] = e.PrimaryNegative }));
        if (RenewalDate(e) is { } renewal && renewal >= now.Date && renewal <= now.Date.AddDays(90) && score is { } sc && sc < t.RenewalHealth)
            list.Add(new("renewal_risk", sc < 30 ? "critical" : "high", "renewal",
                $"Renewal on {renewal:yyyy-MM-dd} ({(renewal - now.Date).Days} days) with health {sc}. Start a save play before proposing terms.",
                new JsonObject { ["renewal_date"] = renewal.ToString("yyyy-MM-dd", Inv), ["health_score"] = sc }));
        if (e.UsageDays90 > 0 && (e.LastLogin is null || (now.Date - e.LastLogin.Value.Date).TotalDays > t.NoLoginDays))
            list.Add(new("no_login", "medium", "usage_metrics",
                e.LastLogin is { } last ? $"Nobody logged in for {(int)(now.Date - last.Date).TotalDays} days (last on {last:yyyy-MM-dd}). Reach out to the admins."
                                         : "Usage rows but no login in 90 days. Reach out to the admins.",
                new JsonObject { ["last_login"] = e.LastLogin?.ToString("yyyy-MM-dd", Inv) }));
        if (!string.IsNullOrEmpty(e.Competitors))
            list.Add(new("competitor_mention", "medium", "meeting_analyses",
                $"Competitors mentioned in meetings in the last 90 days: {e.Competitors}. Prepare the differentiation story.",
                new JsonObject { ["competitors"] = e.Competitors }));
        return list;
    }

    /// <summary>customers.renewal_date, else the annual subscription's period end.</summary>
    public static DateTime? RenewalDate(HealthEvidence e) => e.RenewalDate?.Date ?? e.ContractEnd?.Date ?? e.AnnualPeriodEnd?.Date;
}
