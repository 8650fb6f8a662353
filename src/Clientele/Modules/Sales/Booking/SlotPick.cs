using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Sales.Booking;

/// <summary>How a customer's message relates to the offered slots.</summary>
public abstract record PickResult
{
    public sealed record None : PickResult;
    /// <summary>One offered slot (0-based).</summary>
    public sealed record Picked(int Index) : PickResult;
    /// <summary>Several offered slots fit what they said ("Tuesday" when two are on Tuesday).</summary>
    public sealed record Ambiguous(IReadOnlyList<int> Indexes) : PickResult;
    /// <summary>A time that was not offered: exactly that time (ExactTime) or anything from that day on.</summary>
    public sealed record Proposed(DateTimeOffset At, bool ExactTime) : PickResult;
}

/// <summary>
/// Matches a reply to offered slots: a number ("2", "option 2", "#2"), an ordinal ("the second one",
/// "the last one", "segunda"), or a day and/or time ("Tuesday 10:00", "tue at 2pm", "tomorrow 9am",
/// "10h30"), read as wall-clock times in the calendar's time zone. A day and time that match no
/// offered slot is a proposal the caller checks against the calendar.
/// </summary>
public static partial class SlotPick
{
    /// <summary>A day and/or time named in a message (no slots offered yet): "a demo on Tuesday at 10am?".</summary>
    public static PickResult.Proposed? Proposal(string text, TimeZoneInfo zone, DateTimeOffset now) =>
        Match(text, [], zone, now) as PickResult.Proposed;

    public static PickResult Match(string text, IReadOnlyList<DateTimeOffset> slots, TimeZoneInfo zone, DateTimeOffset now)
    {
        var s = Fold(text);
        if (slots.Count > 0 && Bare().Match(s) is { Success: true } bare) return Index(bare.Groups[1].Value, slots.Count);
        if (slots.Count > 0 && OptionNumber().Match(s) is { Success: true } option) return Index(option.Groups[1].Value, slots.Count);

        var local = slots.Select(x => TimeZoneInfo.ConvertTime(x, zone)).ToList();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var weekday = Weekday(s);
        var time = Time(s);
        DateOnly? day = Relative().Match(s) is { Success: true } rel ? today.AddDays(rel.Value.StartsWith("tod", StringComparison.Ordinal) || rel.Value is "hoje" or "hoy" ? 0 : 1) : null;
        if (weekday is not null || time is not null || day is not null)
        {
            var fits = Enumerable.Range(0, slots.Count).Where(i =>
                (weekday is null || local[i].DayOfWeek == weekday) && (day is null || DateOnly.FromDateTime(local[i].DateTime) == day)
                && (time is null || TimeOnly.FromDateTime(local[i].DateTime) == time)).ToList();
            if (fits.Count == 1) return new PickResult.Picked(fits[0]);
            if (fits.Count > 1) return new PickResult.Ambiguous(fits);
            var date = day ?? (weekday is { } w ? Next(today, w) : null);
            if (time is { } t)
            {
                var d = date ?? (t > TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime) ? today : today.AddDays(1));
                return new PickResult.Proposed(At(d, t, zone), true);
            }
            if (date is { } only) return new PickResult.Proposed(At(only, TimeOnly.MinValue, zone), false);
        }
        if (slots.Count > 0 && s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 10 && Ordinal().Match(s) is { Success: true } ord)
            return Ordinals(ord.Groups[1].Value, slots.Count);
        return new PickResult.None();
    }

    private static PickResult Index(string digit, int count)
    {
        var n = int.Parse(digit, CultureInfo.InvariantCulture);
        return n >= 1 && n <= count ? new PickResult.Picked(n - 1) : new PickResult.None();
    }

    private static PickResult Ordinals(string word, int count)
    {
        var n = word switch
        {
            "first" or "1st" or "primeiro" or "primeira" or "primero" or "primera" or "primer" => 1,
            "second" or "2nd" or "segundo" or "segunda" => 2,
            "third" or "3rd" or "terceiro" or "terceira" or "tercero" or "tercera" or "tercer" => 3,
            "fourth" or "4th" or "quarto" or "quarta" or "cuarto" or "cuarta" => 4,
            "fifth" or "5th" or "quinto" or "quinta" => 5,
            _ => count, // last, ultimo, ultima
        };
        return n <= count ? new PickResult.Picked(n - 1) : new PickResult.None();
    }

    private static readonly Dictionary<string, DayOfWeek> Weekdays = new(StringComparer.Ordinal)
    {
        ["monday"] = DayOfWeek.Monday, ["mon"] = DayOfWeek.Monday, ["segunda"] = DayOfWeek.Monday, ["lunes"] = DayOfWeek.Monday,
        ["tuesday"] = DayOfWeek.Tuesday, ["tues"] = DayOfWeek.Tuesday, ["tue"] = DayOfWeek.Tuesday, ["terca"] = DayOfWeek.Tuesday, ["martes"] = DayOfWeek.Tuesday,
        ["wednesday"] = DayOfWeek.Wednesday, ["wed"] = DayOfWeek.Wednesday, ["quarta"] = DayOfWeek.Wednesday, ["miercoles"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday, ["thu"] = DayOfWeek.Thursday, ["quinta"] = DayOfWeek.Thursday, ["jueves"] = DayOfWeek.Thursday,
        ["friday"] = DayOfWeek.Friday, ["fri"] = DayOfWeek.Friday, ["sexta"] = DayOfWeek.Friday, ["viernes"] = DayOfWeek.Friday,
        ["saturday"] = DayOfWeek.Saturday, ["sat"] = DayOfWeek.Saturday, ["sabado"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday, ["sun"] = DayOfWeek.Sunday, ["domingo"] = DayOfWeek.Sunday,
    };

    private static DayOfWeek? Weekday(string s) =>
        WeekdayWord().Match(s) is { Success: true } m ? Weekdays[m.Groups["day"].Value] : null;

    private static TimeOnly? Time(string s)
    {
        if (AmPm().Match(s) is { Success: true } a)
        {
            var h = int.Parse(a.Groups[1].Value, CultureInfo.InvariantCulture);
            if (h is < 1 or > 12) return null;
            var minute = a.Groups[2].Success ? int.Parse(a.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            return new TimeOnly(h % 12 + (a.Groups[3].Value.StartsWith('p') ? 12 : 0), minute);
        }
        if (Clock().Match(s) is { Success: true } c)
        {
            var minutes = c.Groups[2].Success ? c.Groups[2].Value : c.Groups[3].Success ? c.Groups[3].Value : "0";
            return new TimeOnly(int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(minutes, CultureInfo.InvariantCulture));
        }
        if (AtHour().Match(s) is { Success: true } at)
        {
            var h = int.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture);
            return h is >= 1 and <= 7 ? new TimeOnly(h + 12, 0) : h <= 23 ? new TimeOnly(h, 0) : null; // "at 2" in business hours is 14:00
        }
        return null;
    }

    private static DateOnly Next(DateOnly today, DayOfWeek day)
    {
        var ahead = ((int)day - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(ahead == 0 ? 7 : ahead);
    }

    private static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var wall = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall)) wall = wall.AddHours(1);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    /// <summary>Lower case without accents ("terça" → "terca", "mañana" → "manana").</summary>
    private static string Fold(string text)
    {
        var d = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var b = new StringBuilder(d.Length);
        foreach (var ch in d)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) b.Append(ch);
        return b.ToString().Normalize(NormalizationForm.FormC);
    }

    private const RegexOptions Options = RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^\W*(?:(?:the|a|o|la|el)\s+)?([1-9])\W*(?:(?:one|option|please|pls|thanks|thank you|por favor|obrigad[oa]|gracias|works|is fine|is good|is great|sounds good|ok|okay|perfect)\W*)*$", Options)]
    private static partial Regex Bare();

    [GeneratedRegex(@"(?:\b(?:option|opcao|opcion|number|numero|slot|no\.)\s*|#\s*)([1-9])\b", Options)]
    private static partial Regex OptionNumber();

    [GeneratedRegex(@"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|primeir[oa]|primer[oa]?|segund[oa]|terceir[oa]|tercer[oa]?|quart[oa]|cuart[oa]|quint[oa]|ultim[oa])\b(?!\s+(?:week|time|thing|of|semana|vez))", Options)]
    private static partial Regex Ordinal();

    // Portuguese "segunda", "quarta", "quinta" are also ordinals: as weekdays they need "-feira".
    [GeneratedRegex(@"\b(?<day>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun|lunes|martes|miercoles|jueves|viernes|sabado|domingo|(?:segunda|quarta|quinta)(?=[- ]feira)|terca|sexta)\b", Options)]
    private static partial Regex WeekdayWord();

    [GeneratedRegex(@"\b(today|tomorrow|hoje|amanha|hoy|manana)\b", Options)]
    private static partial Regex Relative();

    [GeneratedRegex(@"\b(\d{1,2})(?::([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.)", Options)]
    private static partial Regex AmPm();

    [GeneratedRegex(@"(?<![\d:])([01]?\d|2[0-3])(?::([0-5]\d)|h([0-5]\d)?(?![a-z]))(?![\d:])", Options)]
    private static partial Regex Clock();

    [GeneratedRegex(@"\b(?:at|as|a las|a la|@)\s+(\d{1,2})\b(?![:.,]?\d)", Options)]
    private static partial Regex AtHour();
}
