using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Integrations.Google;

/// <summary>When meetings may be booked: a time zone, the workday's hours and the working days.</summary>
public sealed record WorkingHours(TimeZoneInfo Zone, TimeOnly Start, TimeOnly End, IReadOnlySet<DayOfWeek> Days)
{
    public static readonly IReadOnlySet<DayOfWeek> MondayToFriday =
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

    /// <summary>
    /// The organization's settings.calendar ({"timezone", "workday_start", "workday_end", "working_days"})
    /// over the defaults; a malformed value keeps the default rather than breaking booking.
    /// </summary>
    public WorkingHours With(JsonElement? calendarSettings)
    {
        if (calendarSettings is not { ValueKind: JsonValueKind.Object } c) return this;
        var zone = c.TryGetProperty("timezone", out var tz) && tz.ValueKind == JsonValueKind.String && TryZone(tz.GetString(), out var z) ? z : Zone;
        var start = c.TryGetProperty("workday_start", out var s) && TryTime(s.GetString(), out var st) ? st : Start;
        var end = c.TryGetProperty("workday_end", out var e) && TryTime(e.GetString(), out var en) ? en : End;
        var days = Days;
        if (c.TryGetProperty("working_days", out var d) && d.ValueKind == JsonValueKind.Array
            && TryDays(d.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() ?? "" : ""), out var parsed))
            days = parsed;
        return end > start ? new WorkingHours(zone, start, end, days) : this with { Zone = zone, Days = days };
    }

    public static bool TryZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id)) return false;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim()); return true; }
        catch (TimeZoneNotFoundException) { return false; }
        catch (InvalidTimeZoneException) { return false; }
    }

    public static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>Day names (mon, Monday, …) to days; false if any is unknown or none is given.</summary>
    public static bool TryDays(IEnumerable<string> names, out IReadOnlySet<DayOfWeek> days)
    {
        var set = new HashSet<DayOfWeek>();
        foreach (var raw in names)
        {
            var n = raw.Trim().ToLowerInvariant();
            var match = Enum.GetValues<DayOfWeek>().Where(d => n.Length >= 3 && d.ToString().ToLowerInvariant().StartsWith(n, StringComparison.Ordinal)).ToList();
            if (match.Count != 1) { days = MondayToFriday; return false; }
            set.Add(match[0]);
        }
        days = set;
        return set.Count > 0;
    }
}

/// <summary>
/// Calendar__Timezone (UTC), Calendar__WorkdayStart (09:00), Calendar__WorkdayEnd (17:00),
/// Calendar__WorkingDays (Mon,Tue,Wed,Thu,Fri), Calendar__SlotMinutes (30), Calendar__SlotStepMinutes (30),
/// Calendar__MinNoticeMinutes (60). An organization overrides the first four in settings.calendar.
/// </summary>
public sealed class CalendarOptions
{
    public WorkingHours Defaults { get; }
    public int SlotMinutes { get; }
    public int SlotStepMinutes { get; }
    public TimeSpan MinNotice { get; }

    public CalendarOptions(IConfiguration config)
    {
        var problems = new List<string>();
        if (!WorkingHours.TryZone(config["Calendar:Timezone"] ?? "UTC", out var zone)) problems.Add($"Calendar__Timezone '{config["Calendar:Timezone"]}' is not a known IANA time zone.");
        if (!WorkingHours.TryTime(config["Calendar:WorkdayStart"] ?? "09:00", out var start)) problems.Add("Calendar__WorkdayStart must be HH:mm.");
        if (!WorkingHours.TryTime(config["Calendar:WorkdayEnd"] ?? "17:00", out var end)) problems.Add("Calendar__WorkdayEnd must be HH:mm.");
        if (end <= start) problems.Add("Calendar__WorkdayEnd must be after Calendar__WorkdayStart.");
        if (!WorkingHours.TryDays((config["Calendar:WorkingDays"] ?? "Mon,Tue,Wed,Thu,Fri").Split(',', StringSplitOptions.RemoveEmptyEntries), out var days))
            problems.Add("Calendar__WorkingDays must list day names such as Mon,Tue,Wed,Thu,Fri.");
        SlotMinutes = Math.Clamp(config.GetValue("Calendar:SlotMinutes", 30), 5, 480);
        SlotStepMinutes = Math.Clamp(config.GetValue("Calendar:SlotStepMinutes", 30), 5, 480);
        MinNotice = TimeSpan.FromMinutes(Math.Max(0, config.GetValue("Calendar:MinNoticeMinutes", 60)));
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(" ", problems));
        Defaults = new WorkingHours(zone, start, end, days);
    }
}
