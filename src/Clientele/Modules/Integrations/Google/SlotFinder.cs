namespace Clientele.Modules.Integrations.Google;

/// <summary>A time range [Start, End). Slots carry the calendar's UTC offset so they read as local times.</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(TimeRange other) => Start < other.End && other.Start < End;
}

/// <summary>
/// Free slots from working hours and busy intervals, with no I/O: the business days ahead in the
/// calendar's time zone, a grid of slot starts from the workday start, minus anything busy.
/// Wall-clock times that do not exist (a DST gap) are skipped; ambiguous ones take standard time.
/// </summary>
public static class SlotFinder
{
    /// <summary>The workday windows of the next `days` working days that still end after `earliest`.</summary>
    public static IReadOnlyList<TimeRange> Workdays(WorkingHours hours, DateTimeOffset earliest, int days)
    {
        var windows = new List<TimeRange>();
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, hours.Zone).DateTime);
        // A year ahead is a safe bound even for one working day a week.
        for (var i = 0; i < 366 && windows.Count < days; i++, date = date.AddDays(1))
        {
            if (!hours.Days.Contains(date.DayOfWeek)) continue;
            var start = ToInstant(hours, date.ToDateTime(hours.Start));
            var end = ToInstant(hours, date.ToDateTime(hours.End));
            if (end > earliest) windows.Add(new TimeRange(start, end));
        }
        return windows;
    }

    /// <summary>Up to `limit` slots of `duration`, on a `step` grid from each workday's start, at or after `earliest`, free of `busy`.</summary>
    public static IReadOnlyList<TimeRange> FreeSlots(WorkingHours hours, IReadOnlyList<TimeRange> workdays, IReadOnlyList<TimeRange> busy,
        DateTimeOffset earliest, TimeSpan duration, TimeSpan step, int limit)
    {
        var slots = new List<TimeRange>();
        var sortedBusy = busy.OrderBy(b => b.Start).ToList();
        foreach (var day in workdays)
        {
            var localDay = TimeZoneInfo.ConvertTime(day.Start, hours.Zone).DateTime.Date;
            for (var local = localDay + hours.Start.ToTimeSpan(); local + duration <= localDay + hours.End.ToTimeSpan(); local += step)
            {
                if (hours.Zone.IsInvalidTime(local)) continue;
                var start = ToInstant(hours, local);
                var slot = new TimeRange(start, start + duration);
                if (start < earliest || slot.End > day.End || sortedBusy.Any(b => b.Overlaps(slot))) continue;
                slots.Add(slot);
                if (slots.Count >= limit) return slots;
            }
        }
        return slots;
    }

    /// <summary>A wall-clock time in the calendar's zone as an instant carrying that zone's offset.</summary>
    public static DateTimeOffset ToInstant(WorkingHours hours, DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (hours.Zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var utc = TimeZoneInfo.ConvertTimeToUtc(local, hours.Zone);
        return new DateTimeOffset(utc).ToOffset(hours.Zone.GetUtcOffset(utc));
    }

    /// <summary>An instant shown in the calendar's zone (same instant, local offset).</summary>
    public static DateTimeOffset InZone(WorkingHours hours, DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, hours.Zone);
}
