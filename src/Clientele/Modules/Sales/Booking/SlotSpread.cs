namespace Clientele.Modules.Sales.Booking;

/// <summary>
/// A few slots worth offering out of many free ones: the earliest, then the first of each later day,
/// then others at least two hours from those chosen, so "9:00, 9:30, 10:00" becomes a real choice.
/// </summary>
public static class SlotSpread
{
    public static List<DateTimeOffset> Pick(IReadOnlyList<DateTimeOffset> free, int count, TimeZoneInfo zone)
    {
        var chosen = new List<DateTimeOffset>();
        foreach (var day in free.GroupBy(x => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(x, zone).DateTime)))
        {
            if (chosen.Count == count) break;
            chosen.Add(day.First());
        }
        foreach (var x in free)
        {
            if (chosen.Count == count) break;
            if (chosen.All(c => Math.Abs((c - x).TotalHours) >= 2)) chosen.Add(x);
        }
        foreach (var x in free)
        {
            if (chosen.Count == count) break;
            if (!chosen.Contains(x)) chosen.Add(x);
        }
        chosen.Sort();
        return chosen;
    }
}
