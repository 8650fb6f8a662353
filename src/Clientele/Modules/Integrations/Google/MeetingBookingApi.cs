using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Integrations.Google;

/// <summary>GET /api/v1/meetings/slots and POST /api/v1/meetings/book over MeetingScheduler.</summary>
public static class MeetingBookingApi
{
    public sealed record Guest(string? Email, string? Name);

    public sealed record BookBody(string? Start, int? DurationMinutes, string? AttendeeEmail, string? AttendeeName, string? Title, string? Description,
        Guid? ConversationId, Guid? CustomerId, Guid? UserId, List<Guest>? AdditionalAttendees);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/meetings").WithTags("Google Calendar").AddEndpointFilter(GoogleProblems.Filter);
        g.MapGet("/slots", Slots).WithName("MeetingSlots")
            .WithSummary("Free slots on the organization's (or ?user_id=) Google Calendar: ?days=5&duration=30&limit=6, in working hours, minus busy times");
        g.MapPost("/book", Book).WithName("BookMeeting")
            .WithSummary("Book {start, duration_minutes, attendee_email, attendee_name, title, conversation_id?, customer_id?}: a Google Calendar event with a Meet link → 201 meetings row; 409 slot taken; 424 Google not connected");
    }

    private static CalendarOwner OwnerOf(Guid? userId, TenantContext tenant, string field)
    {
        if (userId is not { } u) return CalendarOwner.Organization;
        if (u != tenant.UserId && !tenant.IsAdmin) throw ProblemException.Forbidden($"{field}: only admins use another user's calendar.");
        return CalendarOwner.User(u);
    }

    private static async Task<IResult> Slots(HttpContext ctx, TenantContext tenant, TenantSessions sessions, MeetingScheduler scheduler)
    {
        var q = ctx.Request.Query;
        var errors = new FieldErrors();
        int Int(string name, int fallback)
        {
            var raw = q[name].ToString();
            if (raw.Length == 0) return fallback;
            if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
            errors.Add(name, "must be a whole number");
            return fallback;
        }
        var days = Int("days", 5);
        int? duration = q["duration"].Count > 0 ? Int("duration", 30) : null;
        var limit = Int("limit", 6);
        Guid? userId = null;
        if (q["user_id"].ToString() is { Length: > 0 } rawUser)
        {
            if (Guid.TryParse(rawUser, out var parsed)) userId = parsed; else errors.Add("user_id", "must be a uuid");
        }
        var unknown = q.Keys.Except(["days", "duration", "limit", "user_id"]).ToList();
        foreach (var k in unknown) errors.Add(k, "is not a parameter of this endpoint");
        errors.ThrowIfAny(400);

        await using var s = sessions.Open(tenant);
        var owner = OwnerOf(userId, tenant, "user_id");
        var offer = await scheduler.FindFreeSlotsAsync(s, new SlotQuery(days, duration, limit, owner), ctx.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["timezone"] = offer.TimeZone,
            ["duration_minutes"] = offer.DurationMinutes,
            ["calendar"] = owner.Key,
            ["slots"] = new JsonArray(offer.Slots.Select(x => (JsonNode)new JsonObject
            {
                ["start"] = GoogleHttp.Rfc3339(x.Start), ["end"] = GoogleHttp.Rfc3339(x.End),
            }).ToArray()),
        });
    }

    private static async Task<IResult> Book(HttpContext ctx, TenantContext tenant, TenantSessions sessions, MeetingScheduler scheduler,
        ResourceRegistry registry, ResourceStore store, Microsoft.Extensions.Logging.ILogger<MeetingScheduler> logger)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot book meetings.");
        var body = await JsonBody.ReadAsync<BookBody>(ctx);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var owner = OwnerOf(body.UserId, tenant, "user_id");
        var hours = await scheduler.WorkingHoursAsync(s, ct);
        var errors = new FieldErrors();
        var start = ParseStart(body.Start, hours);
        if (start is null) errors.Add("start", "is required: an ISO 8601 date-time (without an offset it is read in the calendar's time zone " + hours.Zone.Id + ")");
        if (body.AttendeeEmail is null) errors.Add("attendee_email", "is required");
        errors.ThrowIfAny();

        var request = new BookingRequest(start!.Value, body.AttendeeEmail!, body.AttendeeName, body.Title, body.DurationMinutes, body.Description,
            body.ConversationId, body.CustomerId, null, body.AdditionalAttendees?.Select(a => new CalendarAttendee(a.Email ?? "", a.Name)).ToList(), owner, "api");
        var booked = await scheduler.BookAsync(s, request, ct);
        var meeting = await store.GetAsync(s, registry.Find("meetings")!, booked.MeetingId, [], false, ct);
        try
        {
            await s.CommitAsync(ct);
        }
        catch (Exception e)
        {
            // The event exists but its record does not: take the event back rather than leave an orphan invitation.
            logger.LogWarning(e, "Booking {MeetingId} could not be recorded; deleting calendar event {EventId}", booked.MeetingId, booked.CalendarEventId);
            try { await scheduler.CancelEventAsync(s, booked, CancellationToken.None); }
            catch (Exception cleanup) { logger.LogError(cleanup, "Calendar event {EventId} is orphaned (meeting {MeetingId} not recorded)", booked.CalendarEventId, booked.MeetingId); }
            throw;
        }
        return new JsonBytesResult(meeting.Json, 201, meeting.ETag, $"/api/v1/meetings/{booked.MeetingId}");
    }

    /// <summary>An ISO 8601 date-time; without an offset it is a wall-clock time in the calendar's zone.</summary>
    internal static DateTimeOffset? ParseStart(string? text, WorkingHours hours)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (hasOffset)
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact) ? exact : null;
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) && text.Contains('T', StringComparison.Ordinal)
            ? SlotFinder.ToInstant(hours, local)
            : null;
    }
}
