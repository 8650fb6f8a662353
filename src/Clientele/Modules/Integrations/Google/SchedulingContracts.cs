namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// Which slots to look for: `Days` working days ahead (1-30), slots of `DurationMinutes` (default
/// Calendar__SlotMinutes), at most `Limit` (1-50), on `Owner`'s calendar (default: the organization's),
/// no earlier than Calendar__MinNoticeMinutes from now (or NotBefore, if later).
/// </summary>
public sealed record SlotQuery(int Days = 5, int? DurationMinutes = null, int Limit = 6, CalendarOwner Owner = default, DateTimeOffset? NotBefore = null);

/// <summary>Free slots, each carrying the calendar time zone's offset (so "10:00+02:00" reads as the host's 10:00).</summary>
public sealed record SlotOffer(string TimeZone, int DurationMinutes, IReadOnlyList<TimeRange> Slots);

/// <summary>
/// A booking. Start must be in the future; DurationMinutes 5-480 (default Calendar__SlotMinutes).
/// ConversationId / CustomerId / SessionId link the meetings row (a conversation's customer is used when
/// CustomerId is not given, and the conversation's latest extraction gets demo_book_datetime).
/// Source goes to meetings.metadata.source (api, agent, copilot, approval …).
/// </summary>
public sealed record BookingRequest(
    DateTimeOffset Start,
    string AttendeeEmail,
    string? AttendeeName = null,
    string? Title = null,
    int? DurationMinutes = null,
    string? Description = null,
    Guid? ConversationId = null,
    Guid? CustomerId = null,
    Guid? SessionId = null,
    IReadOnlyList<CalendarAttendee>? AdditionalAttendees = null,
    CalendarOwner Owner = default,
    string Source = "api");

/// <summary>The recorded meeting (meetings row id) and what Google made of it.</summary>
public sealed record BookedMeeting(Guid MeetingId, TimeRange When, string TimeZone, string Title, string CalendarEventId, string? MeetingUrl, string? HtmlLink,
    Guid? ConversationId, Guid? CustomerId, CalendarOwner Owner);
