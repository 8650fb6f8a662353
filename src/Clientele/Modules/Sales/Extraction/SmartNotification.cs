using System.Globalization;
using System.Text;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// extractions.smart_notification: one line a sales rep reads on the phone, e.g.
/// "🔥 Hot: Maria (Acme) wants a demo for 200 agents urgently — budget yes — demo Tue Mar 10, 9:00 AM (New York)".
/// </summary>
public static class SmartNotification
{
    public static string For(LeadReading r, string? phone, DateTimeOffset? demoAt, string? demoZone)
    {
        var tag = r.Tag;
        var text = new StringBuilder(tag switch { "Hot" => "🔥 Hot: ", "Warm" => "🌤️ Warm: ", _ => "❄️ Cold: " });
        text.Append(FirstName(r.Name) ?? (phone is { Length: > 0 } ? phone : "A visitor"));
        if (r.Company is { } company) text.Append(" (").Append(company).Append(')');
        text.Append(' ').Append(r.IntentCategory switch
        {
            "demo" => "wants a demo",
            "pricing" => "asked for pricing",
            "technical" or "support" => "has product questions",
            "billing" => "has a billing question",
            "cancellation" => "wants to cancel",
            "complaint" => "has a complaint",
            _ => "is chatting",
        });
        if (r.Seats is { } seats && r.IntentCategory is "demo" or "pricing") text.Append(" for ").Append(seats.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Unit(r, seats));
        if (r.Urgency.Level == "High") text.Append(" urgently");
        else if (r.Urgency.Level == "Medium") text.Append(" soon");
        if (r.Budget.Evidence.Count > 0 || r.Method == "model") text.Append(" — budget ").Append(r.Budget.Level.ToLowerInvariant());
        if (demoAt is { } at) text.Append(" — demo ").Append(Format(at, demoZone));
        return text.ToString();
    }

    private static string Unit(LeadReading r, int seats)
    {
        var i = r.Intent.IndexOf($"for {seats} ", StringComparison.Ordinal);
        return i >= 0 ? r.Intent[(i + $"for {seats} ".Length)..].Split(' ')[0] : seats == 1 ? "seat" : "seats";
    }

    /// <summary>"Tue Mar 10, 9:00 AM (New York)" in the meeting's zone, else UTC.</summary>
    public static string Format(DateTimeOffset at, string? zoneId)
    {
        var zone = TimeZoneInfo.Utc;
        if (zoneId is not null)
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId); }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { /* UTC */ }
        }
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("ddd MMM d, h:mm tt", CultureInfo.InvariantCulture) + $" ({ZoneName(zone.Id)})";
    }

    /// <summary>"America/New_York" → "New York"; "UTC" stays.</summary>
    public static string ZoneName(string id) => id.Contains('/', StringComparison.Ordinal) ? id[(id.LastIndexOf('/') + 1)..].Replace('_', ' ') : id;

    private static string? FirstName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
}
