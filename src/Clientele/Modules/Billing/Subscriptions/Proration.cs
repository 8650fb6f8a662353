namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// The proration rule (docs/billing.md, worked example checked by a test): by whole UTC days.
/// The unused part of a period is (period end date − change date) / (period end date − period
/// start date); each prorated line is price × unused days / period days, rounded once,
/// half-even, to the cent.
/// </summary>
public static class Proration
{
    public static int PeriodDays(DateTime start, DateTime end) => Math.Max(1, (end.Date - start.Date).Days);

    public static int UnusedDays(DateTime start, DateTime end, DateTime now) =>
        Math.Clamp((end.Date - now.Date).Days, 0, PeriodDays(start, end));

    public static decimal Prorate(decimal periodPrice, int unusedDays, int periodDays) =>
        Money.Round(periodPrice * unusedDays / periodDays);
}
