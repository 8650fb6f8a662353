using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Integrations.Google;
using Clientele.Platform.Resources;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Google Calendar (issue 5, meeting booking) against a fake Google on loopback: OAuth, tokens, slots, booking.</summary>
public sealed class GoogleCalendarTests(GoogleFixture f) : IClassFixture<GoogleFixture>
{
    private FakeGoogle Google => f.Google;
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById(GoogleFixture.TimeZone);

    private async Task<(string Access, string Refresh, DateTimeOffset ExpiresAt, Guid? UserId, string? Email)[]> TokenRowsAsync(Guid organization)
    {
        await using var db = await f.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT access_token, refresh_token, expires_at, user_id, email FROM google_tokens WHERE organization_id = $1 ORDER BY user_id NULLS FIRST", db);
        cmd.Parameters.AddWithValue(organization);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, string, DateTimeOffset, Guid?, string?)>();
        while (await r.ReadAsync())
            rows.Add((r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.IsDBNull(4) ? null : r.GetString(4)));
        return rows.ToArray();
    }

    private async Task ExecAsync(string sql, params object[] args)
    {
        await using var db = await f.OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, db);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }

    private string Unprotect(string cipher) => f.App.Services.GetRequiredService<BodyBinder>().Unprotect(cipher);

    private static JsonArray Slots((HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response) r)
    {
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        return r.Json!["slots"]!.AsArray();
    }

    private static DateTimeOffset At(JsonNode? n) => DateTimeOffset.Parse(n!.GetValue<string>(), CultureInfo.InvariantCulture);

    // ---- OAuth ---------------------------------------------------------------------------------

    [Fact]
    public async Task The_OAuth_code_flow_stores_encrypted_tokens_that_the_API_never_returns()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        var url = await f.AuthorizationUrlAsync(t.Http);
        url.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(Google.BaseAddress, "o/oauth2/v2/auth").ToString());
        var q = QueryHelpers.ParseQuery(url.Query);
        q["client_id"].ToString().ShouldBe(FakeGoogle.ClientId);
        q["response_type"].ToString().ShouldBe("code");
        q["access_type"].ToString().ShouldBe("offline");
        q["prompt"].ToString().ShouldBe("consent");
        q["redirect_uri"].ToString().ShouldBe(new Uri(f.BaseAddress, "/oauth/google/callback").ToString());
        q["scope"].ToString().Split(' ').ShouldBe(["openid", "email", "https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar.freebusy"], ignoreOrder: true);
        q["state"].ToString().Length.ShouldBeGreaterThan(40);

        Google.NextAccount = account;
        var callback = await f.ConsentAsync(url);
        callback.AbsolutePath.ShouldBe("/oauth/google/callback");
        var (status, page, type) = await f.CallbackAsync(callback);
        status.ShouldBe(HttpStatusCode.OK, page);
        type.ShouldBe("text/html");
        page.ShouldContain("Google Calendar connected");
        page.ShouldContain(account);

        // The code was exchanged with Google's documented form.
        var exchange = Google.TokenGrants("authorization_code").Last().Form;
        exchange["code"].ShouldBe(QueryHelpers.ParseQuery(callback.Query)["code"].ToString());
        exchange["client_id"].ShouldBe(FakeGoogle.ClientId);
        exchange["client_secret"].ShouldBe(FakeGoogle.ClientSecret);
        exchange["redirect_uri"].ShouldBe(q["redirect_uri"].ToString());

        var row = (await TokenRowsAsync(t.OrganizationId)).ShouldHaveSingleItem();
        row.UserId.ShouldBeNull();
        row.Email.ShouldBe(account);
        row.Access.ShouldNotContain("ya29");
        row.Refresh.ShouldNotContain("1//");
        Unprotect(row.Access).ShouldStartWith("ya29.fake-access-");
        Google.IsRefreshTokenValid(Unprotect(row.Refresh)).ShouldBeTrue();
        row.ExpiresAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(55));

        // Secrets are write-only in every API answer.
        var list = await t.Http.GetJsonAsync("/api/v1/google_tokens");
        var listed = list.Json!["data"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        listed.ContainsKey("access_token").ShouldBeFalse();
        listed.ContainsKey("refresh_token").ShouldBeFalse();
        listed["email"]!.GetValue<string>().ShouldBe(account);
        list.Json.ToJsonString().ShouldNotContain("ya29");
        var status2 = await t.Http.GetJsonAsync("/api/v1/integrations/google");
        status2.Json!["organization"]!["email"]!.GetValue<string>().ShouldBe(account);
        status2.Json["user"].ShouldBeNull();
        status2.Json.ToJsonString().ShouldNotContain("ya29");

        // The stored token is the one the calendar calls carry.
        Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=1&limit=1"));
        Google.CallsTo("/calendar/v3/freeBusy").Last().Authorization.ShouldBe("Bearer " + Unprotect(row.Access));
    }

    [Fact]
    public async Task A_user_connects_their_own_calendar_and_slots_can_come_from_it()
    {
        var t = await f.SignupAsync();
        var mine = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, mine, "user");
        var row = (await TokenRowsAsync(t.OrganizationId)).ShouldHaveSingleItem();
        row.UserId.ShouldBe(t.UserId);
        (await t.Http.GetJsonAsync("/api/v1/integrations/google")).Json!["user"]!["email"]!.GetValue<string>().ShouldBe(mine);
        // The organization's calendar is still not connected; the user's is.
        (await t.Http.GetJsonAsync("/api/v1/meetings/slots")).ShouldBeProblem(424);
        var slots = Slots(await t.Http.GetJsonAsync($"/api/v1/meetings/slots?user_id={t.UserId}&limit=2"));
        slots.Count.ShouldBe(2);
        var booked = await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slots[0]!["start"]!.GetValue<string>(), attendee_email = "guest@example.test", user_id = t.UserId });
        booked.Status.ShouldBe(HttpStatusCode.Created, booked.Json?.ToJsonString());
        Google.CalendarOf(mine).Events.Count.ShouldBe(1);
        booked.Json!["metadata"]!["calendar_owner"]!.GetValue<string>().ShouldBe($"user:{t.UserId}");
    }

    [Fact]
    public async Task Bad_tampered_or_expired_state_is_rejected_and_nothing_is_stored()
    {
        var t = await f.SignupAsync();
        Google.NextAccount = GoogleFixture.Account();
        var callback = await f.ConsentAsync(await f.AuthorizationUrlAsync(t.Http));
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var exchangesBefore = Google.TokenGrants("authorization_code").Count();
        var callbackBase = new Uri(f.BaseAddress, "/oauth/google/callback").ToString();

        var garbage = await f.CallbackAsync(new Uri(QueryHelpers.AddQueryString(callbackBase, new Dictionary<string, string?> { ["code"] = code, ["state"] = "not-a-state" })), json: true);
        garbage.Status.ShouldBe(HttpStatusCode.BadRequest);
        garbage.ContentType.ShouldBe("application/problem+json");
        JsonNode.Parse(garbage.Body)!["title"]!.GetValue<string>().ShouldBe("Invalid state");

        var realState = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var tampered = realState[..^4] + (realState[^4..] == "AAAA" ? "BBBB" : "AAAA");
        (await f.CallbackAsync(new Uri(QueryHelpers.AddQueryString(callbackBase, new Dictionary<string, string?> { ["code"] = code, ["state"] = tampered })))).Status
            .ShouldBe(HttpStatusCode.BadRequest);

        // A state signed by the app but past its 10 minutes.
        var protector = f.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(GoogleOAuthState.Purpose).ToTimeLimitedDataProtector();
        var expired = protector.Protect(new JsonObject { ["o"] = t.OrganizationId, ["r"] = callbackBase, ["n"] = "x" }.ToJsonString(), DateTimeOffset.UtcNow.AddSeconds(-1));
        var late = await f.CallbackAsync(new Uri(QueryHelpers.AddQueryString(callbackBase, new Dictionary<string, string?> { ["code"] = code, ["state"] = expired })));
        late.Status.ShouldBe(HttpStatusCode.BadRequest);
        late.Body.ShouldContain("Invalid state");

        Google.TokenGrants("authorization_code").Count().ShouldBe(exchangesBefore);
        (await TokenRowsAsync(t.OrganizationId)).ShouldBeEmpty();
        // The genuine redirect still works afterwards.
        (await f.CallbackAsync(callback, json: true)).Status.ShouldBe(HttpStatusCode.OK);
        (await TokenRowsAsync(t.OrganizationId)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Declined_consent_and_a_code_Google_rejects_store_nothing()
    {
        var t = await f.SignupAsync();
        Google.NextConsentDenied = true;
        var denied = await f.ConsentAsync(await f.AuthorizationUrlAsync(t.Http));
        Google.NextConsentDenied = false;
        QueryHelpers.ParseQuery(denied.Query)["error"].ToString().ShouldBe("access_denied");
        var page = await f.CallbackAsync(denied);
        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Body.ShouldContain("Access denied");

        // The token endpoint answers 400 invalid_grant for a code it never issued.
        var callback = await f.ConsentAsync(await f.AuthorizationUrlAsync(t.Http));
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var bogus = new Uri(QueryHelpers.AddQueryString(new Uri(f.BaseAddress, "/oauth/google/callback").ToString(),
            new Dictionary<string, string?> { ["code"] = "4/never-issued", ["state"] = state }));
        var rejected = await f.CallbackAsync(bogus, json: true);
        rejected.Status.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(rejected.Body)!["detail"]!.GetValue<string>().ShouldContain("invalid_grant");

        // Consent without the calendar permissions (Google's granular consent) is refused too.
        Google.NextGrantedScopes = ["openid", "email"];
        try
        {
            var partial = await f.CallbackAsync(await f.ConsentAsync(await f.AuthorizationUrlAsync(t.Http)), json: true);
            partial.Status.ShouldBe(HttpStatusCode.BadRequest);
            partial.Body.ShouldContain("calendar.events");
        }
        finally { Google.NextGrantedScopes = null; }
        (await TokenRowsAsync(t.OrganizationId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Only_admins_connect_the_organizations_calendar()
    {
        var t = await f.SignupAsync();
        var reader = await f.KeyClientAsync(t, "read");
        (await reader.GetJsonAsync("/api/v1/integrations/google/authorize")).ShouldBeProblem(403);
        (await t.Http.GetJsonAsync("/api/v1/integrations/google/authorize?for=everyone")).ShouldBeProblem(400, "for");
    }

    // ---- Tokens ----------------------------------------------------------------------------------

    [Fact]
    public async Task An_access_token_near_expiry_is_refreshed_and_the_new_one_is_used()
    {
        var t = await f.SignupAsync();
        Google.AccessTokenLifetime = TimeSpan.FromSeconds(30); // inside the 60 s refresh margin
        try { await f.ConnectAsync(t.Http, GoogleFixture.Account()); }
        finally { Google.AccessTokenLifetime = TimeSpan.FromSeconds(3599); }
        var before = (await TokenRowsAsync(t.OrganizationId)).Single();
        var refreshes = Google.TokenGrants("refresh_token").Count();

        Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=1"));

        var grants = Google.TokenGrants("refresh_token").ToList();
        grants.Count.ShouldBe(refreshes + 1);
        grants[^1].Form["refresh_token"].ShouldBe(Unprotect(before.Refresh));
        var after = (await TokenRowsAsync(t.OrganizationId)).Single();
        Unprotect(after.Access).ShouldNotBe(Unprotect(before.Access));
        after.ExpiresAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(55));
        after.Access.ShouldNotContain("ya29");
        Unprotect(after.Refresh).ShouldBe(Unprotect(before.Refresh)); // Google kept the refresh token
        Google.CallsTo("/calendar/v3/freeBusy").Last().Authorization.ShouldBe("Bearer " + Unprotect(after.Access));
    }

    [Fact]
    public async Task Concurrent_callers_with_an_expired_token_refresh_it_once()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        await ExecAsync("UPDATE google_tokens SET expires_at = now() - interval '1 minute' WHERE organization_id = $1", t.OrganizationId);
        var refreshes = Google.TokenGrants("refresh_token").Count();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => t.Http.GetJsonAsync("/api/v1/meetings/slots?days=1&limit=1")));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK);

        Google.TokenGrants("refresh_token").Count().ShouldBe(refreshes + 1);
        var row = (await TokenRowsAsync(t.OrganizationId)).Single();
        Google.CallsTo("/calendar/v3/freeBusy").TakeLast(6).ShouldAllBe(c => c.Authorization == "Bearer " + Unprotect(row.Access));
    }

    [Fact]
    public async Task A_401_from_Calendar_refreshes_once_and_retries()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        Google.InvalidateAccessTokens();
        var refreshes = Google.TokenGrants("refresh_token").Count();
        var calls = Google.CallsTo("/calendar/v3/freeBusy").Count();

        Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=1&limit=1"));

        Google.TokenGrants("refresh_token").Count().ShouldBe(refreshes + 1);
        Google.CallsTo("/calendar/v3/freeBusy").Count().ShouldBe(calls + 2);
    }

    [Fact]
    public async Task A_revoked_grant_or_no_connection_answers_424()
    {
        var t = await f.SignupAsync();
        var none = await t.Http.GetJsonAsync("/api/v1/meetings/slots");
        none.ShouldBeProblem(424);
        none.Json!["detail"]!.GetValue<string>().ShouldContain("/api/v1/integrations/google/authorize");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = DateTimeOffset.UtcNow.AddDays(2), attendee_email = "a@example.test" })).ShouldBeProblem(424);

        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        await ExecAsync("UPDATE google_tokens SET expires_at = now() - interval '1 minute' WHERE organization_id = $1", t.OrganizationId);
        Google.RevokeRefreshTokens();
        var revoked = await t.Http.GetJsonAsync("/api/v1/meetings/slots");
        revoked.ShouldBeProblem(424);
        revoked.Json!["detail"]!.GetValue<string>().ShouldContain("connect Google Calendar again");
    }

    [Fact]
    public async Task Disconnecting_revokes_the_grant_and_deletes_the_tokens()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        var refresh = Unprotect((await TokenRowsAsync(t.OrganizationId)).Single().Refresh);
        var gone = await t.Http.DeleteAsync2("/api/v1/integrations/google");
        gone.Status.ShouldBe(HttpStatusCode.NoContent);
        gone.Response.Headers.GetValues("X-Google-Revoked").Single().ShouldBe("true");
        Google.CallsTo("/revoke").Last().Form["token"].ShouldBe(refresh);
        Google.IsRefreshTokenValid(refresh).ShouldBeFalse();
        (await TokenRowsAsync(t.OrganizationId)).ShouldBeEmpty();
        (await t.Http.GetJsonAsync("/api/v1/meetings/slots")).ShouldBeProblem(424);
        (await t.Http.DeleteAsync2("/api/v1/integrations/google")).ShouldBeProblem(404);
    }

    // ---- Slots -----------------------------------------------------------------------------------

    [Fact]
    public async Task Slots_respect_working_hours_notice_and_the_time_zone()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        var r = await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=3&duration=45&limit=50");
        var slots = Slots(r);
        r.Json!["timezone"]!.GetValue<string>().ShouldBe(GoogleFixture.TimeZone);
        slots.Count.ShouldBeGreaterThan(20); // 3 days of 09:00-17:00 on a 30-minute grid, less today's part
        var earliest = DateTimeOffset.UtcNow.AddMinutes(59);
        var days = new HashSet<DateOnly>();
        foreach (var s in slots)
        {
            var start = At(s!["start"]);
            var end = At(s["end"]);
            (end - start).ShouldBe(TimeSpan.FromMinutes(45));
            start.ShouldBeGreaterThan(earliest);
            var local = TimeZoneInfo.ConvertTime(start, NewYork);
            start.Offset.ShouldBe(local.Offset); // shown in the calendar's zone
            local.DayOfWeek.ShouldNotBeOneOf(DayOfWeek.Saturday, DayOfWeek.Sunday);
            TimeOnly.FromDateTime(local.DateTime).ShouldBeGreaterThanOrEqualTo(new TimeOnly(9, 0));
            TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(end, NewYork).DateTime).ShouldBeLessThanOrEqualTo(new TimeOnly(17, 0));
            (local.Minute % 30).ShouldBe(0);
            days.Add(DateOnly.FromDateTime(local.DateTime));
        }
        days.Count.ShouldBeLessThanOrEqualTo(3);
        var fb = Google.CallsTo("/calendar/v3/freeBusy").Last().Json!;
        fb["items"]![0]!["id"]!.GetValue<string>().ShouldBe("primary");
        At(fb["timeMin"]).ShouldBeLessThanOrEqualTo(At(slots[0]!["start"]));
        At(fb["timeMax"]).ShouldBeGreaterThanOrEqualTo(At(slots[^1]!["end"]));

        (await t.Http.GetJsonAsync("/api/v1/meetings/slots?limit=0")).ShouldBeProblem(422, "limit");
        (await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=abc")).ShouldBeProblem(400, "days");
    }

    [Fact]
    public async Task Slots_exclude_busy_times_on_the_calendar()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, account);
        var free = Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=50")).Select(s => At(s!["start"])).ToList();
        // Three consecutive slots S, S+30, S+60 (not across an evening).
        var busyStart = free.First(x => free.Contains(x.AddMinutes(30)) && free.Contains(x.AddMinutes(60)));
        Google.AddBusy(account, busyStart.AddMinutes(10), busyStart.AddMinutes(70)); // overlaps the slots at S, S+30 and S+60

        var after = Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=50")).Select(s => At(s!["start"])).ToList();
        after.ShouldNotContain(busyStart);
        after.ShouldNotContain(busyStart.AddMinutes(30));
        after.ShouldNotContain(busyStart.AddMinutes(60));
        after.ShouldBe(free.Where(x => x < busyStart || x >= busyStart.AddMinutes(90)).ToList());
    }

    [Fact]
    public async Task The_organizations_calendar_settings_override_the_defaults()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        await ExecAsync("""
            UPDATE organizations SET settings = settings || '{"calendar":{"timezone":"Asia/Tokyo","workday_start":"13:00","workday_end":"15:00","working_days":["sat"]}}'
            WHERE id = $1
            """, t.OrganizationId);
        var r = await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=50");
        r.Json!["timezone"]!.GetValue<string>().ShouldBe("Asia/Tokyo");
        var starts = Slots(r).Select(s => At(s!["start"])).ToList();
        starts.Count.ShouldBeInRange(4, 8); // 4 slots per Saturday; today's may have passed
        starts.ShouldAllBe(s => s.Offset == TimeSpan.FromHours(9) && s.DayOfWeek == DayOfWeek.Saturday && s.Hour >= 13 && s.Hour < 15);
    }

    [Fact]
    public async Task A_rate_limited_calendar_is_retried_and_a_down_one_answers_503()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        var calls = Google.CallsTo("/calendar/v3/freeBusy").Count();
        Google.FailCalendar(2, 429, retryAfter: "0");
        Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=1&limit=1"));
        Google.CallsTo("/calendar/v3/freeBusy").Count().ShouldBe(calls + 3);

        Google.FailCalendar(4, 503); // the first try and 3 retries
        var down = await t.Http.GetAsync(new Uri("/api/v1/meetings/slots?days=1", UriKind.Relative));
        ((int)down.StatusCode).ShouldBe(503);
        down.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        down.Headers.RetryAfter.ShouldNotBeNull();
        (await down.Content.ReadAsStringAsync()).ShouldContain("backendError");
        Google.CallsTo("/calendar/v3/freeBusy").Count().ShouldBe(calls + 7);
    }

    // ---- Booking ---------------------------------------------------------------------------------

    [Fact]
    public async Task Booking_creates_a_Meet_event_and_records_the_meeting()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, account);
        var customer = await t.Http.CreateCustomerAsync(new { name = "Maria Lopez" });
        var conversation = await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = customer, channel = "api" });
        conversation.Status.ShouldBe(HttpStatusCode.Created, conversation.Json?.ToJsonString());
        var conversationId = conversation.Json!["id"]!.GetValue<string>();
        var extraction = await t.Http.PostJsonAsync("/api/v1/extractions", new { conversation_id = conversationId, customer_phone = "+14155550101", name = "Maria" });
        extraction.Status.ShouldBe(HttpStatusCode.Created, extraction.Json?.ToJsonString());

        var slot = Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=3"))[1]!;
        var start = At(slot["start"]);
        var r = await t.Http.PostJsonAsync("/api/v1/meetings/book", new
        {
            start = slot["start"]!.GetValue<string>(), duration_minutes = 30, attendee_email = "maria@acme.test", attendee_name = "Maria Lopez",
            title = "Acme demo", conversation_id = conversationId,
        });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        var m = r.Json!;
        r.Response.Headers.Location!.ToString().ShouldBe($"/api/v1/meetings/{m["id"]}");
        m["title"]!.GetValue<string>().ShouldBe("Acme demo");
        At(m["scheduled_at"]).ShouldBe(start);
        m["duration_minutes"]!.GetValue<int>().ShouldBe(30);
        m["timezone"]!.GetValue<string>().ShouldBe(GoogleFixture.TimeZone);
        m["status"]!.GetValue<string>().ShouldBe("scheduled");
        m["customer_id"]!.GetValue<string>().ShouldBe(customer.ToString()); // from the conversation
        m["conversation_id"]!.GetValue<string>().ShouldBe(conversationId);
        m["customer_name"]!.GetValue<string>().ShouldBe("Maria Lopez");
        m["customer_email"]!.GetValue<string>().ShouldBe("maria@acme.test");
        m["participants"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["maria@acme.test"]);
        m["attendees"]!.AsArray().Select(x => x!["role"]!.GetValue<string>()).ShouldBe(["customer", "organizer"]);
        m["attendees"]![1]!["email"]!.GetValue<string>().ShouldBe(account);
        m["meeting_url"]!.GetValue<string>().ShouldStartWith("https://meet.google.com/");
        m["metadata"]!["calendar_owner"]!.GetValue<string>().ShouldBe("organization");
        m["metadata"]!["calendar_html_link"]!.GetValue<string>().ShouldContain(m["calendar_event_id"]!.GetValue<string>());

        // What Google received: Google's event shape, a Meet request, invitations sent.
        var insert = Google.CallsTo("/calendar/v3/calendars/primary/events").Last(c => c.Method == "POST");
        insert.Query.ShouldContain("conferenceDataVersion=1");
        insert.Query.ShouldContain("sendUpdates=all");
        var ev = insert.Json!;
        ev["summary"]!.GetValue<string>().ShouldBe("Acme demo");
        At(ev["start"]!["dateTime"]).ShouldBe(start);
        ev["start"]!["timeZone"]!.GetValue<string>().ShouldBe(GoogleFixture.TimeZone);
        At(ev["end"]!["dateTime"]).ShouldBe(start.AddMinutes(30));
        ev["attendees"]![0]!["email"]!.GetValue<string>().ShouldBe("maria@acme.test");
        ev["attendees"]![0]!["displayName"]!.GetValue<string>().ShouldBe("Maria Lopez");
        ev["conferenceData"]!["createRequest"]!["conferenceSolutionKey"]!["type"]!.GetValue<string>().ShouldBe("hangoutsMeet");
        var stored = Google.CalendarOf(account).Events.ShouldHaveSingleItem().Value;
        stored["id"]!.GetValue<string>().ShouldBe(m["calendar_event_id"]!.GetValue<string>());
        stored["hangoutLink"]!.GetValue<string>().ShouldBe(m["meeting_url"]!.GetValue<string>());

        // Seed 001: the conversation's latest extraction knows when the demo is.
        var ex = await t.Http.GetJsonAsync($"/api/v1/extractions/{extraction.Json!["id"]}");
        At(ex.Json!["demo_book_datetime"]).ShouldBe(start);

        // The booked time is no longer offered.
        Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=50")).Select(s => At(s!["start"])).ShouldNotContain(start);
    }

    [Fact]
    public async Task A_slot_that_became_busy_is_refused_with_409_and_nothing_is_created()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, account);
        var slot = At(Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=1"))[0]!["start"]);
        Google.AddBusy(account, slot.AddMinutes(15), slot.AddMinutes(45)); // someone took part of it meanwhile

        var r = await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slot, attendee_email = "late@example.test" });
        r.ShouldBeProblem(409, "start");
        Google.CalendarOf(account).Events.ShouldBeEmpty();
        (await t.Http.GetJsonAsync("/api/v1/meetings?limit=10")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_concurrent_bookings_of_one_slot_give_one_meeting_and_one_409()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, account);
        var slot = Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=1"))[0]!["start"]!.GetValue<string>();
        var answers = await Task.WhenAll(
            t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slot, attendee_email = "one@example.test" }),
            t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slot, attendee_email = "two@example.test" }));
        answers.Select(a => (int)a.Status).Order().ShouldBe([201, 409]);
        Google.CalendarOf(account).Events.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_insert_whose_answer_was_lost_is_retried_without_a_duplicate_event()
    {
        var t = await f.SignupAsync();
        var account = GoogleFixture.Account();
        await f.ConnectAsync(t.Http, account);
        var slot = Slots(await t.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=1"))[0]!["start"]!.GetValue<string>();
        Google.LoseNextInsertAnswer();
        var r = await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slot, attendee_email = "retry@example.test" });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        var ev = Google.CalendarOf(account).Events.ShouldHaveSingleItem();
        ev.Key.ShouldBe(Guid.Parse(r.Json!["id"]!.GetValue<string>()).ToString("N"));
        r.Json["meeting_url"]!.GetValue<string>().ShouldBe(ev.Value["hangoutLink"]!.GetValue<string>());
        Google.Calls.Count(c => c.Method == "GET" && c.Path == $"/calendar/v3/calendars/primary/events/{ev.Key}").ShouldBe(1);
    }

    [Fact]
    public async Task Booking_input_is_validated_with_422()
    {
        var t = await f.SignupAsync();
        await f.ConnectAsync(t.Http, GoogleFixture.Account());
        var future = DateTimeOffset.UtcNow.AddDays(3);
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { attendee_email = "a@example.test" })).ShouldBeProblem(422, "start");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = future })).ShouldBeProblem(422, "attendee_email");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = future, attendee_email = "not-an-email" })).ShouldBeProblem(422, "attendee_email");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = DateTimeOffset.UtcNow.AddHours(-1), attendee_email = "a@example.test" })).ShouldBeProblem(422, "start");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = future, attendee_email = "a@example.test", duration_minutes = 0 })).ShouldBeProblem(422, "duration_minutes");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = future, attendee_email = "a@example.test", conversation_id = Guid.NewGuid() })).ShouldBeProblem(422, "conversation_id");
        (await t.Http.PostJsonAsync("/api/v1/meetings/book", new { start = future, attendee_email = "a@example.test", colour = "red" })).ShouldBeProblem(422, "colour");
        var reader = await f.KeyClientAsync(t, "read");
        (await reader.PostJsonAsync("/api/v1/meetings/book", new { start = future, attendee_email = "a@example.test" })).ShouldBeProblem(403);
    }

    [Fact]
    public async Task Tenants_use_their_own_tokens_calendars_and_meetings()
    {
        var a = await f.SignupAsync();
        var b = await f.SignupAsync();
        var c = await f.SignupAsync();
        var accountA = GoogleFixture.Account();
        var accountB = GoogleFixture.Account();
        await f.ConnectAsync(a.Http, accountA);
        await f.ConnectAsync(b.Http, accountB);

        var slot = Slots(await b.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=1"))[0]!["start"]!.GetValue<string>();
        var booked = await b.Http.PostJsonAsync("/api/v1/meetings/book", new { start = slot, attendee_email = "buyer@example.test" });
        booked.Status.ShouldBe(HttpStatusCode.Created, booked.Json?.ToJsonString());
        var bToken = Unprotect((await TokenRowsAsync(b.OrganizationId)).Single().Access);
        Google.CallsTo("/calendar/v3/calendars/primary/events").Last().Authorization.ShouldBe("Bearer " + bToken);
        Google.CalendarOf(accountB).Events.Count.ShouldBe(1);
        Google.CalendarOf(accountA).Events.ShouldBeEmpty();

        // A's calendar and records are untouched: the slot is still free for A, B's meeting invisible.
        Slots(await a.Http.GetJsonAsync("/api/v1/meetings/slots?days=2&limit=50")).Select(x => x!["start"]!.GetValue<string>()).ShouldContain(slot);
        (await a.Http.GetJsonAsync($"/api/v1/meetings/{booked.Json!["id"]}")).ShouldBeProblem(404);
        (await a.Http.GetJsonAsync("/api/v1/meetings?limit=10")).Json!["data"]!.AsArray().ShouldBeEmpty();
        // C connected nothing: other tenants' tokens are never used for it.
        (await c.Http.GetJsonAsync("/api/v1/meetings/slots")).ShouldBeProblem(424);
        (await c.Http.GetJsonAsync("/api/v1/google_tokens")).Json!["data"]!.AsArray().ShouldBeEmpty();
        // Disconnecting B leaves A connected.
        (await b.Http.DeleteAsync2("/api/v1/integrations/google")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await TokenRowsAsync(a.OrganizationId)).Length.ShouldBe(1);
        Slots(await a.Http.GetJsonAsync("/api/v1/meetings/slots?days=1&limit=1"));
    }

    // ---- Slot arithmetic (no I/O) ----------------------------------------------------------------

    [Fact]
    public void Slot_finder_skips_wall_clock_times_that_do_not_exist_on_a_DST_change()
    {
        // 2025-03-09 02:00-03:00 does not exist in New York.
        var hours = new WorkingHours(NewYork, new TimeOnly(1, 0), new TimeOnly(4, 0), new HashSet<DayOfWeek> { DayOfWeek.Sunday });
        var from = new DateTimeOffset(2025, 3, 9, 0, 0, 0, TimeSpan.FromHours(-5));
        var days = SlotFinder.Workdays(hours, from, 1);
        days.ShouldHaveSingleItem().End.ShouldBe(new DateTimeOffset(2025, 3, 9, 4, 0, 0, TimeSpan.FromHours(-4)));
        var slots = SlotFinder.FreeSlots(hours, days, [], from, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), 50);
        slots.Select(s => s.Start.ToString("HH:mmzzz", CultureInfo.InvariantCulture))
            .ShouldBe(["01:00-05:00", "01:30-05:00", "03:00-04:00", "03:30-04:00"]);
    }
}
