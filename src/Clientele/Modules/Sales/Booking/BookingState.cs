using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Booking;

/// <summary>
/// Where a chat booking stands, kept in conversations.extra_metadata.booking so the customer's
/// next message can be matched against what was offered:
/// <code>
/// {"status": "offered" | "awaiting_email" | "booked", "offered_at", "expires_at", "timezone": "America/New_York",
///  "duration_minutes": 30, "slots": ["2026-03-10T09:00:00-04:00", …], "chosen": null | slot,
///  "meeting_id", "meet_link", "booked_for"}
/// </code>
/// Times keep the calendar's offset, so they read as the host's wall clock.
/// </summary>
public sealed record BookingState(
    string Status,
    DateTimeOffset OfferedAt,
    DateTimeOffset ExpiresAt,
    string TimeZone,
    int DurationMinutes,
    IReadOnlyList<DateTimeOffset> Slots,
    DateTimeOffset? Chosen = null,
    Guid? MeetingId = null,
    string? MeetLink = null,
    DateTimeOffset? BookedFor = null)
{
    public const string Offered = "offered", AwaitingEmail = "awaiting_email", Booked = "booked";

    public bool IsOpen(DateTimeOffset now) => Status is Offered or AwaitingEmail && now < ExpiresAt;

    public JsonObject ToJson() => new()
    {
        ["status"] = Status,
        ["offered_at"] = Iso(OfferedAt),
        ["expires_at"] = Iso(ExpiresAt),
        ["timezone"] = TimeZone,
        ["duration_minutes"] = DurationMinutes,
        ["slots"] = new JsonArray(Slots.Select(x => (JsonNode)Iso(x)).ToArray()),
        ["chosen"] = Chosen is { } c ? Iso(c) : null,
        ["meeting_id"] = MeetingId?.ToString(),
        ["meet_link"] = MeetLink,
        ["booked_for"] = BookedFor is { } b ? Iso(b) : null,
    };

    public static BookingState? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o || o["status"]?.GetValue<string>() is not { } status) return null;
        DateTimeOffset? Time(string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
        var slots = o["slots"] is JsonArray a
            ? a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : (DateTimeOffset?)null)
                .OfType<DateTimeOffset>().ToList()
            : [];
        return new BookingState(status, Time("offered_at") ?? DateTimeOffset.MinValue, Time("expires_at") ?? DateTimeOffset.MinValue,
            o["timezone"]?.GetValue<string>() ?? "UTC", o["duration_minutes"] is JsonValue d && d.TryGetValue<int>(out var minutes) ? minutes : 30,
            slots, Time("chosen"), Guid.TryParse(o["meeting_id"]?.GetValue<string>(), out var id) ? id : null, o["meet_link"]?.GetValue<string>(), Time("booked_for"));
    }

    public static async Task SaveAsync(TenantSession s, Guid conversationId, BookingState? state, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            UPDATE conversations SET extra_metadata = CASE WHEN $3::jsonb IS NULL THEN extra_metadata - 'booking'
              ELSE coalesce(extra_metadata, '{}'::jsonb) || jsonb_build_object('booking', $3::jsonb) END
            WHERE organization_id = $1 AND id = $2
            """,
            [s.OrganizationId, conversationId, SqlArg.Jsonb(state?.ToJson())], ct);
    }

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
