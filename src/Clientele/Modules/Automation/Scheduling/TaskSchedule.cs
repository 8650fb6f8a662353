using Cronos;

namespace Clientele.Modules.Automation.Scheduling;

/// <summary>
/// scheduled_tasks.schedule: standard 5-field cron ("0 9 * * 1"), or 6 fields with seconds first,
/// evaluated in the task's time zone (parameters.time_zone, else the organization's
/// settings.timezone, else UTC). Cronos computes the next run, DST included: a time skipped by
/// spring-forward runs at the first valid instant after it, a time repeated by fall-back runs once.
/// </summary>
public static class TaskSchedule
{
    public static CronExpression? TryParse(string? cron, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(cron)) { error = "is required: a cron expression such as '0 9 * * 1'"; return null; }
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6)) { error = $"must have 5 fields (minute hour day month weekday) or 6 with seconds first; '{cron}' has {fields}"; return null; }
        try { return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard); }
        catch (CronFormatException e) { error = $"'{cron}' is not a valid cron expression: {e.Message}"; return null; }
    }

    public static TimeZoneInfo? Zone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }

    /// <summary>The first run strictly after <paramref name="afterUtc"/>, in UTC.</summary>
    public static DateTime? Next(CronExpression cron, DateTime afterUtc, TimeZoneInfo zone) =>
        cron.GetNextOccurrence(DateTime.SpecifyKind(afterUtc, DateTimeKind.Utc), zone, inclusive: false);
}
