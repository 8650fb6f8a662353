using System.Globalization;
using System.Text;
using Clientele.Modules.Sales.Extraction;

namespace Clientele.Modules.Sales.Booking;

/// <summary>
/// What the agent writes while booking a demo: fixed text, like the handoff message, so the times
/// and the link are exactly what the calendar said. Times in the calendar's zone ("Tue, Mar 10 at 9:00 AM").
/// </summary>
public static class BookingText
{
    public static string When(DateTimeOffset slot, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(slot, zone).ToString("ddd, MMM d 'at' h:mm tt", CultureInfo.InvariantCulture);

    public static string ZoneLabel(TimeZoneInfo zone) => SmartNotification.ZoneName(zone.Id) + " time";

    public static string Offer(IReadOnlyList<DateTimeOffset> slots, TimeZoneInfo zone, int minutes, string? lead = null)
    {
        var text = new StringBuilder(lead ?? "Here are the next free times for a")
            .Append(lead is null ? $" {minutes}-minute demo" : "")
            .Append(CultureInfo.InvariantCulture, $" ({ZoneLabel(zone)}):");
        for (var i = 0; i < slots.Count; i++) text.Append(CultureInfo.InvariantCulture, $"\n{i + 1}. {When(slots[i], zone)}");
        return text.Append("\nReply with the number that suits you, or tell me another day and time.").ToString();
    }

    public static string Closest(DateTimeOffset wanted, bool exactTime, IReadOnlyList<DateTimeOffset> slots, TimeZoneInfo zone, int minutes) =>
        Offer(slots, zone, minutes, exactTime
            ? $"{When(wanted, zone)} isn't free, but these are the closest times"
            : $"These are the free times from {TimeZoneInfo.ConvertTime(wanted, zone).ToString("dddd", CultureInfo.InvariantCulture)} on");

    public static string Which(IReadOnlyList<int> indexes, IReadOnlyList<DateTimeOffset> slots, TimeZoneInfo zone) =>
        "More than one time fits: " + string.Join(", ", indexes.Select(i => $"{i + 1}. {When(slots[i], zone)}")) + ". Which number would you like?";

    public static string AskEmail(DateTimeOffset slot, TimeZoneInfo zone, string? firstName) =>
        $"Great{Comma(firstName)}, {When(slot, zone)} ({ZoneLabel(zone)}) it is! What email address should I send the calendar invitation to?";

    public static string Booked(DateTimeOffset slot, TimeZoneInfo zone, string? firstName, string email, string? link) =>
        $"You're booked{Comma(firstName)}! Your demo is on {When(slot, zone)} ({ZoneLabel(zone)})." +
        (link is null ? "" : $" Join with Google Meet: {link}") + $"\nThe calendar invitation is on its way to {email}.";

    public static string AlreadyBooked(DateTimeOffset slot, TimeZoneInfo zone, string? link) =>
        $"Your demo is already booked for {When(slot, zone)} ({ZoneLabel(zone)})" + (link is null ? "." : $": {link}");

    public const string Taken = "Sorry, that time was just taken.";
    public const string TeammateWillSend = "A teammate will send you a few times for the demo shortly.";
    public const string CalendarUnavailable = "I couldn't reach our calendar just now, so a teammate will confirm the demo time with you shortly.";
    public const string NoFreeTimes = "Our calendar is full for the next few days, so a teammate will send you times shortly.";

    private static string Comma(string? name) => string.IsNullOrWhiteSpace(name) ? "" : ", " + name;
}
