using System.Globalization;

namespace Clientele.Modules.Success.Copilot;

/// <summary>How the copilot writes numbers: "$4,200.00", "38/100", "0.82 (high)", "2025-09-30 (in 45 days)". Invariant culture.</summary>
public static class BriefText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Money(decimal amount, string? currency) => (currency ?? "USD").ToUpperInvariant() switch
    {
        "USD" => "$" + amount.ToString("N2", C),
        "EUR" => "€" + amount.ToString("N2", C),
        "GBP" => "£" + amount.ToString("N2", C),
        var other => other + " " + amount.ToString("N2", C),
    };

    /// <summary>"2026-11-24 10:00 America/New_York": a meeting time in the calendar's zone (UTC without one).</summary>
    public static string When(DateTimeOffset at, string? timeZone) =>
        timeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", C) + " " + id
            : at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", C) + " UTC";

    public static string Number(int n) => n.ToString("N0", C);

    public static string Score(int score) => $"{score}/100";

    public static string Risk(decimal churn) => churn.ToString("0.00", C) + " (" + (churn >= 0.7m ? "high" : churn >= 0.4m ? "medium" : "low") + ")";

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", C);

    /// <summary>"in 45 days", "today", "12 days ago".</summary>
    public static string Relative(int days) => days switch
    {
        0 => "today",
        1 => "tomorrow",
        -1 => "yesterday",
        > 0 => $"in {days} days",
        _ => $"{-days} days ago",
    };

    public static string Change(int delta, string unit = "") =>
        delta == 0 ? "unchanged" : (delta > 0 ? "up " : "down ") + Math.Abs(delta).ToString(C) + unit;

    public static string Percent(int? p) => p is { } v ? v.ToString(C) + "%" : "unknown";

    public static string Sentiment(double s) => s.ToString("0.00", C) + " (" + (s <= -0.25 ? "negative" : s >= 0.25 ? "positive" : "neutral") + ")";

    public static string Plural(int n, string one, string? many = null) => $"{Number(n)} {(n == 1 ? one : many ?? one + "s")}";

    public static string YesNo(bool b) => b ? "yes" : "no";

    /// <summary>"a, b and c".</summary>
    public static string List(IEnumerable<string> items)
    {
        var l = items.Where(i => !string.IsNullOrWhiteSpace(i)).ToList();
        return l.Count switch { 0 => "", 1 => l[0], _ => string.Join(", ", l.Take(l.Count - 1)) + " and " + l[^1] };
    }

    /// <summary>"dana_left" → "dana left"; keeps the seed's codes readable.</summary>
    public static string Words(string code) => code.Replace('_', ' ').Replace('-', ' ');
}
