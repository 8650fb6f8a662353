using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// Offers free slots from Google Calendar and books one (an event with a Google Meet link and the
/// invitees, and a meetings row). For the API, the chat agent and approval flows alike:
/// <code>
/// var offer = await scheduler.FindFreeSlotsAsync(session, new SlotQuery(Days: 5, Limit: 3), ct);
/// var booked = await scheduler.BookAsync(session, new BookingRequest(offer.Slots[0].Start, "maria@acme.test", "Maria", ConversationId: id), ct);
/// await session.CommitAsync(ct);   // BookAsync writes in the session's transaction; the caller commits
/// </code>
/// Failures: GoogleNotConnectedException (nothing or no longer connected), SlotUnavailableException
/// (the slot is taken), GoogleApiException (Google failed after retries), ProblemException 422 (bad input).
/// </summary>
public sealed class MeetingScheduler(GoogleCalendarClient calendar, CalendarOptions options, TimeProvider clock)
{
    public const int MaxDurationMinutes = 480;

    /// <summary>The organization's working hours: settings.calendar over Calendar__… defaults.</summary>
    public async Task<WorkingHours> WorkingHoursAsync(TenantSession s, CancellationToken ct) =>
        options.Defaults.With(await MeetingRecords.CalendarSettingsAsync(s, ct));

    public async Task<SlotOffer> FindFreeSlotsAsync(TenantSession s, SlotQuery q, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (q.Days is < 1 or > 30) errors.Add("days", "must be from 1 to 30");
        var duration = q.DurationMinutes ?? options.SlotMinutes;
        if (duration is < 5 or > MaxDurationMinutes) errors.Add("duration", $"must be from 5 to {MaxDurationMinutes} minutes");
        if (q.Limit is < 1 or > 50) errors.Add("limit", "must be from 1 to 50");
        errors.ThrowIfAny();

        var hours = await WorkingHoursAsync(s, ct);
        var earliest = clock.GetUtcNow() + options.MinNotice;
        if (q.NotBefore is { } nb && nb > earliest) earliest = nb;
        var days = SlotFinder.Workdays(hours, earliest, q.Days);
        if (days.Count == 0) return new SlotOffer(hours.Zone.Id, duration, []);
        var busy = new List<TimeRange>(await calendar.FreeBusyAsync(s, q.Owner, days[0].Start, days[^1].End, ct));
        busy.AddRange(await MeetingRecords.BookedAsync(s, q.Owner, days[0].Start, days[^1].End, ct));
        var slots = SlotFinder.FreeSlots(hours, days, busy, earliest, TimeSpan.FromMinutes(duration), TimeSpan.FromMinutes(options.SlotStepMinutes), q.Limit);
        return new SlotOffer(hours.Zone.Id, duration, slots);
    }

    /// <summary>
    /// Books the slot on the owner's calendar and records the meetings row, in the session's
    /// transaction (begun here, committed by the caller). Bookings on one calendar are serialized
    /// and the slot is checked again (Google free/busy and our own scheduled meetings) before the event is created.
    /// </summary>
    public async Task<BookedMeeting> BookAsync(TenantSession s, BookingRequest r, CancellationToken ct)
    {
        var duration = r.DurationMinutes ?? options.SlotMinutes;
        var title = string.IsNullOrWhiteSpace(r.Title)
            ? $"Demo with {(string.IsNullOrWhiteSpace(r.AttendeeName) ? r.AttendeeEmail?.Trim() : r.AttendeeName.Trim())}"
            : r.Title.Trim();
        Validate(r, duration, title);
        var email = r.AttendeeEmail!.Trim(); // Validate checked it
        var hours = await WorkingHoursAsync(s, ct);
        var when = new TimeRange(SlotFinder.InZone(hours, r.Start), SlotFinder.InZone(hours, r.Start.AddMinutes(duration)));

        await s.BeginAsync(ct);
        var customerId = await CheckLinksAsync(s, r, ct);
        await MeetingRecords.LockCalendarAsync(s, r.Owner, ct);
        if ((await MeetingRecords.BookedAsync(s, r.Owner, when.Start, when.End, ct)).Count > 0)
            throw new SlotUnavailableException(when, $"{GoogleHttp.Rfc3339(when.Start)} is already booked on this calendar.");
        if ((await calendar.FreeBusyAsync(s, r.Owner, when.Start, when.End, ct)).Any(b => b.Overlaps(when)))
            throw new SlotUnavailableException(when, $"{GoogleHttp.Rfc3339(when.Start)} is no longer free on the calendar.");

        var organizer = (await GoogleTokenStore.ReadAsync(s, r.Owner, forUpdate: false, ct))?.Email;
        var invitees = new List<CalendarAttendee> { new(email, r.AttendeeName?.Trim()) };
        foreach (var a in r.AdditionalAttendees ?? [])
            if (!invitees.Any(i => i.Email.Equals(a.Email.Trim(), StringComparison.OrdinalIgnoreCase))) invitees.Add(a with { Email = a.Email.Trim() });

        var meetingId = Guid.CreateVersion7();
        // Our id as Google's event id (hex is valid base32hex): a retried insert finds its own event instead of a duplicate.
        var created = await calendar.CreateEventAsync(s, r.Owner, new CalendarEventRequest(meetingId.ToString("N"), title, r.Description, when, hours.Zone.Id, invitees,
            new Dictionary<string, string> { ["clientele_meeting_id"] = meetingId.ToString(), ["clientele_organization_id"] = s.OrganizationId.ToString() }), ct);

        var attendees = new JsonArray(invitees.Select((a, i) => (JsonNode)new JsonObject
        {
            ["email"] = a.Email, ["name"] = a.DisplayName, ["role"] = i == 0 ? "customer" : "guest", ["response_status"] = "needsAction",
        }).ToArray());
        if (organizer is not null) attendees.Add(new JsonObject { ["email"] = organizer, ["role"] = "organizer", ["response_status"] = "accepted" });
        var metadata = new JsonObject
        {
            ["source"] = r.Source, ["calendar_owner"] = r.Owner.Key, ["calendar_provider"] = "google",
            ["calendar_html_link"] = created.HtmlLink, ["calendar_event_status"] = created.Status, ["booked_by"] = s.Tenant.ActorId?.ToString(),
        };
        await MeetingRecords.InsertAsync(s, new MeetingRecords.NewMeeting(meetingId, customerId, r.ConversationId, r.SessionId, title, r.Description,
            r.AttendeeName?.Trim(), email, invitees.Select(i => i.Email).ToArray(), attendees, when, duration, hours.Zone.Id,
            created.MeetLink, created.Id, metadata), ct);
        if (r.ConversationId is { } conversation) await MeetingRecords.SetDemoTimeAsync(s, conversation, when.Start, ct);
        await AuditWriter.WriteAsync(s, "meetings", meetingId, "create", new JsonObject
        {
            ["after"] = new JsonObject { ["scheduled_at"] = GoogleHttp.Rfc3339(when.Start), ["calendar_event_id"] = created.Id, ["source"] = r.Source },
        }, ct);
        return new BookedMeeting(meetingId, when, hours.Zone.Id, title, created.Id, created.MeetLink, created.HtmlLink, r.ConversationId, customerId, r.Owner);
    }

    /// <summary>Compensation when the booking's transaction could not commit: removes the event (attendees are told).</summary>
    public async Task<bool> CancelEventAsync(TenantSession s, BookedMeeting booked, CancellationToken ct) =>
        await calendar.DeleteEventAsync(s, booked.Owner, booked.CalendarEventId, ct);

    private void Validate(BookingRequest r, int duration, string title)
    {
        var errors = new FieldErrors();
        if (r.Start <= clock.GetUtcNow()) errors.Add("start", "must be in the future");
        else if (r.Start > clock.GetUtcNow().AddYears(1)) errors.Add("start", "must be within a year");
        if (duration is < 5 or > MaxDurationMinutes) errors.Add("duration_minutes", $"must be from 5 to {MaxDurationMinutes}");
        if (!Validation.IsEmail(r.AttendeeEmail?.Trim())) errors.Add("attendee_email", "must be an email address");
        if (r.AttendeeName is { Length: > 255 }) errors.Add("attendee_name", "must be at most 255 characters");
        if (title.Length > 255) errors.Add("title", "must be at most 255 characters");
        if (r.Description is { Length: > 8000 }) errors.Add("description", "must be at most 8000 characters");
        foreach (var a in r.AdditionalAttendees ?? [])
            if (!Validation.IsEmail(a.Email?.Trim())) errors.Add("additional_attendees", $"'{a.Email}' is not an email address");
        if ((r.AdditionalAttendees?.Count ?? 0) > 20) errors.Add("additional_attendees", "must list at most 20 guests");
        errors.ThrowIfAny();
    }

    /// <summary>The meeting's customer (given, or the conversation's); 422 for links to rows that do not exist.</summary>
    private static async Task<Guid?> CheckLinksAsync(TenantSession s, BookingRequest r, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var customerId = r.CustomerId;
        if (r.ConversationId is { } conversation)
        {
            var (exists, ofConversation) = await MeetingRecords.ConversationAsync(s, conversation, ct);
            if (!exists) errors.Add("conversation_id", "refers to a conversation that does not exist");
            customerId ??= ofConversation;
        }
        if (r.CustomerId is { } customer && !await MeetingRecords.ExistsAsync(s, "customers", customer, ct))
            errors.Add("customer_id", "refers to a customer that does not exist");
        if (r.SessionId is { } session && !await MeetingRecords.ExistsAsync(s, "agent_sessions", session, ct))
            errors.Add("session_id", "refers to an agent session that does not exist");
        errors.ThrowIfAny();
        return customerId;
    }
}
