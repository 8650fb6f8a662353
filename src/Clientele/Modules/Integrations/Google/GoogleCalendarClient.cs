using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Integrations.Google;

/// <summary>An attendee sent to Google Calendar (attendees[{email, displayName}]).</summary>
public sealed record CalendarAttendee(string Email, string? DisplayName);

/// <summary>What the event insert asks for. EventId is ours (base32hex) so that a retried insert cannot create it twice.</summary>
public sealed record CalendarEventRequest(string EventId, string Summary, string? Description, TimeRange When, string TimeZone,
    IReadOnlyList<CalendarAttendee> Attendees, IReadOnlyDictionary<string, string>? PrivateProperties = null);

/// <summary>A created event: its id, its link in Google Calendar and the Google Meet link.</summary>
public sealed record CalendarEvent(string Id, string? HtmlLink, string? MeetLink, string? Status);

/// <summary>
/// The Google Calendar API v3 on the owner's primary calendar: free/busy (POST /calendar/v3/freeBusy)
/// and events (insert with a Meet conference, get, delete). Transient failures are retried by
/// GoogleHttp; a 401 refreshes the token once and tries again.
/// </summary>
public sealed class GoogleCalendarClient(GoogleHttp http, GoogleTokenProvider tokens, GoogleOptions options)
{
    /// <summary>The busy intervals of the owner's primary calendar between from and to.</summary>
    public async Task<IReadOnlyList<TimeRange>> FreeBusyAsync(TenantSession s, CalendarOwner owner, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["timeMin"] = GoogleHttp.Rfc3339(from.ToUniversalTime()),
            ["timeMax"] = GoogleHttp.Rfc3339(to.ToUniversalTime()),
            ["items"] = new JsonArray(new JsonObject { ["id"] = "primary" }),
        };
        var res = await SendAsync(s, owner, HttpMethod.Post, "calendar/v3/freeBusy", body, "Reading free/busy", ct);
        if (!res.Ok) throw Failure(res, "Reading free/busy");
        var primary = res.Json?["calendars"]?["primary"];
        if (primary?["errors"] is JsonArray { Count: > 0 } errors)
            throw new GoogleApiException(502, GoogleResponse.Str(errors[0]?["reason"]), $"Reading free/busy: Google reported {errors.ToJsonString()} for the primary calendar.");
        var busy = new List<TimeRange>();
        foreach (var b in primary?["busy"] as JsonArray ?? [])
        {
            if (DateTimeOffset.TryParse(GoogleResponse.Str(b?["start"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var start)
                && DateTimeOffset.TryParse(GoogleResponse.Str(b?["end"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var end))
                busy.Add(new TimeRange(start, end));
        }
        return busy;
    }

    /// <summary>Creates the event with a Google Meet conference and invites the attendees (sendUpdates=all).</summary>
    public async Task<CalendarEvent> CreateEventAsync(TenantSession s, CalendarOwner owner, CalendarEventRequest e, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["id"] = e.EventId,
            ["summary"] = e.Summary,
            ["start"] = new JsonObject { ["dateTime"] = GoogleHttp.Rfc3339(e.When.Start), ["timeZone"] = e.TimeZone },
            ["end"] = new JsonObject { ["dateTime"] = GoogleHttp.Rfc3339(e.When.End), ["timeZone"] = e.TimeZone },
            ["attendees"] = new JsonArray(e.Attendees.Select(Attendee).ToArray()),
            ["conferenceData"] = new JsonObject
            {
                ["createRequest"] = new JsonObject { ["requestId"] = e.EventId, ["conferenceSolutionKey"] = new JsonObject { ["type"] = "hangoutsMeet" } },
            },
        };
        if (e.Description is not null) body["description"] = e.Description;
        if (e.PrivateProperties is { Count: > 0 } props)
            body["extendedProperties"] = new JsonObject { ["private"] = new JsonObject(props.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))) };
        var res = await SendAsync(s, owner, HttpMethod.Post, "calendar/v3/calendars/primary/events?conferenceDataVersion=1&sendUpdates=all", body, "Creating the event", ct);
        // 409 duplicate: an earlier attempt created it before its answer was lost; that event is ours.
        if (res.Status == 409) return await GetEventAsync(s, owner, e.EventId, ct) ?? throw Failure(res, "Creating the event");
        if (!res.Ok) throw Failure(res, "Creating the event");
        var created = Parse(res.Json);
        // The Meet link can follow a moment later while the conference is "pending".
        if (created.MeetLink is null && GoogleResponse.Str(res.Json?["conferenceData"]?["createRequest"]?["status"]?["statusCode"]) == "pending")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            created = await GetEventAsync(s, owner, created.Id, ct) ?? created;
        }
        return created;
    }

    /// <summary>The event, or null if the calendar has no such event.</summary>
    public async Task<CalendarEvent?> GetEventAsync(TenantSession s, CalendarOwner owner, string eventId, CancellationToken ct)
    {
        var res = await SendAsync(s, owner, HttpMethod.Get, $"calendar/v3/calendars/primary/events/{Uri.EscapeDataString(eventId)}", null, "Reading the event", ct);
        if (res.Status is 404 or 410) return null;
        return res.Ok ? Parse(res.Json) : throw Failure(res, "Reading the event");
    }

    /// <summary>Deletes the event and notifies the attendees; false if it was already gone.</summary>
    public async Task<bool> DeleteEventAsync(TenantSession s, CalendarOwner owner, string eventId, CancellationToken ct)
    {
        var res = await SendAsync(s, owner, HttpMethod.Delete, $"calendar/v3/calendars/primary/events/{Uri.EscapeDataString(eventId)}?sendUpdates=all", null, "Deleting the event", ct);
        if (res.Status is 404 or 410) return false;
        return res.Ok ? true : throw Failure(res, "Deleting the event");
    }

    private async Task<GoogleResponse> SendAsync(TenantSession s, CalendarOwner owner, HttpMethod method, string path, JsonObject? body, string what, CancellationToken ct)
    {
        var url = new Uri(options.CalendarBaseUrl, path);
        var token = await tokens.GetAccessTokenAsync(s, owner, ct);
        var res = await http.SendAsync(() => Build(method, url, body, token), what, ct);
        if (res.Status != 401) return res;
        // Revoked early or clock skew: refresh once (unless someone else already did) and try again.
        token = await tokens.RefreshAfterRejectionAsync(s, owner, token, ct);
        res = await http.SendAsync(() => Build(method, url, body, token), what, ct);
        if (res.Status == 401) throw new GoogleNotConnectedException($"{what}: Google refused a freshly refreshed token; connect Google Calendar again.");
        return res;
    }

    private static JsonNode Attendee(CalendarAttendee a)
    {
        var o = new JsonObject { ["email"] = a.Email };
        if (!string.IsNullOrWhiteSpace(a.DisplayName)) o["displayName"] = a.DisplayName;
        return o;
    }

    private static HttpRequestMessage Build(HttpMethod method, Uri url, JsonObject? body, string token)
    {
        var req = new HttpRequestMessage(method, url);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) req.Content = JsonContent.Create(body);
        return req;
    }

    private static Exception Failure(GoogleResponse res, string what) =>
        res.Status == 403 && res.Reason is "insufficientPermissions" or "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
            ? new GoogleNotConnectedException($"{what}: the Google grant lacks calendar access ({res.Message}); connect Google Calendar again and allow the calendar scopes.")
            : res.ToException(what);

    private static CalendarEvent Parse(JsonNode? json)
    {
        var meet = GoogleResponse.Str(json?["hangoutLink"])
                   ?? (json?["conferenceData"]?["entryPoints"] as JsonArray)?
                      .Where(p => GoogleResponse.Str(p?["entryPointType"]) == "video").Select(p => GoogleResponse.Str(p?["uri"])).FirstOrDefault(u => u is not null);
        var id = GoogleResponse.Str(json?["id"]) ?? throw new GoogleApiException(502, null, "Google's event has no id.");
        return new CalendarEvent(id, GoogleResponse.Str(json?["htmlLink"]), meet, GoogleResponse.Str(json?["status"]));
    }
}
