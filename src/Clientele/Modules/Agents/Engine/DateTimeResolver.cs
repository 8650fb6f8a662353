using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Dates and times a customer mentions, resolved against the message time (UTC): "tomorrow at
/// 3pm", "next Tuesday 10:00", "2026-12-01 14:30", "March 20 at 2pm", "Friday morning",
/// "amanhã às 14h", "el jueves a las 11". A weekday is its next occurrence after today ("next
/// Tuesday" too); a date with no time is 09:00 (morning 09:00, afternoon 14:00, evening 18:00,
/// noon 12:00); a time alone ("at 4pm") is today if still ahead, else tomorrow; "today" or
/// "tonight" alone is urgency, not an appointment; anything after "since", "last" or "desde" is past.
/// </summary>
internal static partial class DateTimeResolver
{
    private static readonly TimeOnly DefaultTime = new(9, 0);

    public readonly record struct Span(int Start, int End);
    private readonly record struct DateMention(Span Span, DateOnly? Date, bool IsToday);
    private readonly record struct TimeMention(Span Span, TimeOnly Time, bool IsPartOfDay);

    private static readonly string MonthNames = string.Join('|', CalendarWords.Months.Keys.OrderByDescending(k => k.Length));
    private static readonly string WeekdayNames = string.Join('|', CalendarWords.Weekdays.Keys.Where(k => k.Length > 4 || k is "terca").OrderByDescending(k => k.Length));
    private static readonly string WeekdayAbbrevs = string.Join('|', CalendarWords.Weekdays.Keys.Where(k => k.Length <= 4 && k != "terca"));

    private static readonly Regex IsoDate = new(@"\b(\d{4})-(\d{1,2})-(\d{1,2})(?=\b|t)", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex DayMonth = new($@"\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?({MonthNames})\b\.?(?:,?\s+(?:de\s+)?(\d{{4}}))?", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex MonthDay = new($@"\b({MonthNames})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![:%\d])(?:,?\s+(\d{{4}}))?", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Relative = new(@"\b(day after tomorrow|depois de amanha|pasado manana|tomorrow|amanha|(?<!la |por la |de la |en la )manana|today|tonight|hoje|hoy)\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Weekday = new($@"\b(?:(next|this|on|coming|proxima|proximo|na|no|el|este|esta)\s+)?(?:({WeekdayNames})(?:-feira)?\b(?!\s+(?:via|vez|opcao|opinion))|({WeekdayAbbrevs})\b(?=\.?\s*(?:\d|at\b|@)))", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static readonly Regex AmPm = new(@"\b(\d{1,2})(?::([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Clock = new(@"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex HourH = new(@"\b([01]?\d|2[0-3])h([0-5]\d)?\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex AtHour = new(@"\b(?:at|a las|a la|@)\s+(\d{1,2})\b(?![:.,]?\d)(?=\s*(?:$|[.,;!?)]|o'?clock|tomorrow|today|tonight|on\b|or\b|and\b|if\b|works|would|please|sharp|for\b|to\b|with\b|(?:in the |de la |por la )?(?:morning|afternoon|evening|manana|tarde|noche)))", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Named = new(@"(?<!good |bom |boa |buenos |buenas |this |esta |since )\b(noon|midday|midnight|meio-dia|mediodia|morning|afternoon|evening|la manana|de manha|pela manha|a tarde|la tarde|a noite|la noche)\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Past = new(@"\b(?:since|last|desde|passad[oa]|pasad[oa])\s+$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <param name="folded">the message, folded (lower case, no accents)</param>
    public static (List<DateTimeOffset> Values, List<Span> Spans) Resolve(string folded, DateTimeOffset now)
    {
        var utcNow = now.ToUniversalTime();
        var today = DateOnly.FromDateTime(utcNow.UtcDateTime);
        var dates = FindDates(folded, today);
        var times = FindTimes(folded);
        var values = new SortedSet<DateTimeOffset>();
        var used = new bool[times.Count];
        var spans = new List<Span>();
        foreach (var d in dates)
        {
            var t = NearestTime(d.Span, times, used);
            if (t >= 0) { used[t] = true; spans.Add(times[t].Span); }
            spans.Add(d.Span);
            if (d.IsToday && t < 0) continue; // "today" alone says when, not an appointment
            var time = t >= 0 ? times[t].Time : DefaultTime;
            values.Add(new DateTimeOffset(d.Date!.Value.ToDateTime(time), TimeSpan.Zero));
        }
        for (var i = 0; i < times.Count; i++)
        {
            if (used[i] || times[i].IsPartOfDay) continue;
            var at = new DateTimeOffset(today.ToDateTime(times[i].Time), TimeSpan.Zero);
            values.Add(at > utcNow ? at : at.AddDays(1));
            spans.Add(times[i].Span);
        }
        return ([.. values], spans);
    }

    private static List<DateMention> FindDates(string s, DateOnly today)
    {
        var found = new List<DateMention>();
        void Add(Match m, DateOnly? date, bool isToday = false)
        {
            if (date is null || IsPast(s, m.Index)) return;
            var span = new Span(m.Index, m.Index + m.Length);
            if (found.Any(f => span.Start < f.Span.End && f.Span.Start < span.End)) return;
            found.Add(new DateMention(span, date, isToday));
        }
        foreach (Match m in IsoDate.Matches(s)) Add(m, SafeDate(Int(m.Groups[1]), Int(m.Groups[2]), Int(m.Groups[3])));
        foreach (Match m in DayMonth.Matches(s)) Add(m, MonthDate(today, CalendarWords.Months[m.Groups[2].Value], Int(m.Groups[1]), m.Groups[3]));
        foreach (Match m in MonthDay.Matches(s)) Add(m, MonthDate(today, CalendarWords.Months[m.Groups[1].Value], Int(m.Groups[2]), m.Groups[3]));
        foreach (Match m in Relative.Matches(s))
        {
            var w = m.Groups[1].Value;
            var days = w is "day after tomorrow" or "depois de amanha" or "pasado manana" ? 2 : w is "tomorrow" or "amanha" or "manana" ? 1 : 0;
            Add(m, today.AddDays(days), days == 0);
        }
        foreach (Match m in Weekday.Matches(s))
        {
            var name = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
            var target = CalendarWords.Weekdays[name];
            var ahead = ((int)target - (int)today.DayOfWeek + 7) % 7;
            Add(m, today.AddDays(ahead == 0 ? 7 : ahead));
        }
        found.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return found;
    }

    private static List<TimeMention> FindTimes(string s)
    {
        var found = new List<TimeMention>();
        void Add(Match m, int hour, int minute, bool partOfDay = false)
        {
            if (hour is < 0 or > 23 || minute is < 0 or > 59) return;
            if (IsPast(s, m.Index)) return;
            var span = new Span(m.Index, m.Index + m.Length);
            if (found.Any(f => span.Start < f.Span.End && f.Span.Start < span.End)) return;
            found.Add(new TimeMention(span, new TimeOnly(hour, minute), partOfDay));
        }
        foreach (Match m in AmPm.Matches(s))
        {
            var h = Int(m.Groups[1]) % 12;
            if (m.Groups[3].Value.StartsWith('p')) h += 12;
            Add(m, Int(m.Groups[1]) > 12 ? -1 : h, m.Groups[2].Success ? Int(m.Groups[2]) : 0);
        }
        foreach (Match m in Clock.Matches(s)) Add(m, Int(m.Groups[1]), Int(m.Groups[2]));
        foreach (Match m in HourH.Matches(s)) Add(m, Int(m.Groups[1]), m.Groups[2].Success ? Int(m.Groups[2]) : 0);
        foreach (Match m in AtHour.Matches(s))
        {
            var h = Int(m.Groups[1]);
            Add(m, h is >= 1 and <= 7 ? h + 12 : h, 0); // "at 4" during business hours means 16:00
        }
        foreach (Match m in Named.Matches(s))
        {
            var (h, partOfDay) = m.Groups[1].Value switch
            {
                "noon" or "midday" or "meio-dia" or "mediodia" => (12, false),
                "midnight" => (0, false),
                "morning" or "la manana" or "de manha" or "pela manha" => (9, true),
                "afternoon" or "a tarde" or "la tarde" => (14, true),
                _ => (18, true),
            };
            Add(m, h, 0, partOfDay);
        }
        return found;
    }

    /// <summary>"since …", "last …", "desde …" just before a mention.</summary>
    private static bool IsPast(string s, int index)
    {
        var from = Math.Max(0, index - 12);
        return Past.IsMatch(s.AsSpan(from, index - from));
    }

    /// <summary>The unused time closest to a date: up to 24 characters after it, or 12 before ("at 3pm tomorrow").</summary>
    private static int NearestTime(Span date, List<TimeMention> times, bool[] used)
    {
        var best = -1;
        var bestGap = int.MaxValue;
        for (var i = 0; i < times.Count; i++)
        {
            if (used[i]) continue;
            var t = times[i].Span;
            var gap = t.Start >= date.End ? t.Start - date.End : date.Start >= t.End ? date.Start - t.End : 0;
            var limit = t.Start >= date.End ? 24 : 12;
            if (gap <= limit && gap < bestGap) { best = i; bestGap = gap; }
        }
        return best;
    }

    private static DateOnly? MonthDate(DateOnly today, int month, int day, Group year)
    {
        if (year.Success) return SafeDate(Int(year), month, day);
        var d = SafeDate(today.Year, month, day);
        return d is { } v && v < today ? SafeDate(today.Year + 1, month, day) : d;
    }

    private static DateOnly? SafeDate(int y, int m, int d) =>
        m is >= 1 and <= 12 && d >= 1 && y is >= 2000 and <= 2100 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;

    private static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
}
