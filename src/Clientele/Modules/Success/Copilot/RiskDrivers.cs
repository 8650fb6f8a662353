using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>One reason the account is at risk, with the facts in words ("2 overdue invoices ($4,200.00)").</summary>
public sealed record RiskDriver(string Kind, string Text);

/// <summary>
/// The risk drivers the brief shows, most actionable first. Thresholds (documented in docs/ai.md):
/// any overdue invoice; a failed payment in 90 days; a subscription past due or cancelling; a
/// stakeholder who left; health down 10+ points in 30 days or below 50; MAU down 20%+ or a
/// decreasing usage trend; average conversation sentiment ≤ -0.25 or an escalation in 90 days;
/// a renewal within 90 days at under 50% probability or without a QBR.
/// </summary>
public static class RiskDrivers
{
    public const string Overdue = "overdue_invoices", FailedPayments = "failed_payments", Subscription = "subscription", ChampionLeft = "stakeholder_left",
        HealthDrop = "health_drop", UsageDrop = "usage_drop", Sentiment = "negative_conversations", Renewal = "renewal";

    public static IReadOnlyList<RiskDriver> Of(CustomerBrief b)
    {
        var list = new List<RiskDriver>();
        var bl = b.Billing;
        if (bl.OverdueInvoices > 0)
            list.Add(new(Overdue, $"{Plural(bl.OverdueInvoices, "overdue invoice")} ({Money(bl.OverdueAmount, bl.Currency)}, oldest {bl.OldestOverdueDays} days)"));
        if (bl.FailedPayments90Days > 0) list.Add(new(FailedPayments, $"{Plural(bl.FailedPayments90Days, "failed payment")} in 90 days"));
        if (bl.Subscription is { } sub && (sub.Status is "past_due" or "unpaid" || sub.CancelAtPeriodEnd))
            list.Add(new(Subscription, sub.CancelAtPeriodEnd ? "the subscription is set to cancel at the period end" : $"the subscription is {sub.Status.Replace('_', ' ')}"));
        foreach (var gone in b.Stakeholders.Where(s => s.Left && (s.IsChampion || s.IsPrimary)).Take(2))
            list.Add(new(ChampionLeft, $"{(gone.IsChampion ? "champion" : "primary contact")} {gone.Label} left"));
        if (b.Health.Change30Days is <= -10 || b.Health.Score is < 50)
            list.Add(new(HealthDrop, $"health {(b.Health.Score is { } s ? Score(s) : "unknown")}" + (b.Health.Change30Days is { } d and < 0 ? $", {Change(d)} in 30 days" : "")));
        if (b.Usage.MauChangePercent is <= -20 || b.Usage.Trend == "decreasing")
            list.Add(new(UsageDrop, b.Usage.MauChangePercent is { } pct && pct < 0 ? $"monthly active users {Change(pct, "%")} in 30 days" : "usage trend decreasing"));
        var cv = b.Conversations;
        if (cv.AverageSentiment90Days is <= -0.25 || cv.Escalated90Days > 0)
            list.Add(new(Sentiment, cv.Escalated90Days > 0
                ? $"{Plural(cv.Escalated90Days, "escalated conversation")} in 90 days" + (cv.AverageSentiment90Days is { } avg ? $" (average sentiment {BriefText.Sentiment(avg)})" : "")
                : $"average conversation sentiment {BriefText.Sentiment(cv.AverageSentiment90Days!.Value)}"));
        if (b.Renewal is { DaysUntil: >= 0 and <= 90 } r && (r.Probability is < 50 || !r.QbrCompleted))
            list.Add(new(Renewal, $"renewal {Relative(r.DaysUntil)} at {Percent(r.Probability)}" + (r.QbrCompleted ? "" : ", no QBR yet")));
        return list;
    }
}
