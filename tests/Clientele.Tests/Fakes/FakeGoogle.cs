using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// Google on loopback, speaking its wire formats: the consent screen (GET /o/oauth2/v2/auth answers
/// with the redirect Google would send after the user decides), the token endpoint (POST /token:
/// authorization_code and refresh_token grants, OAuth errors), /revoke, and Calendar v3 for the
/// primary calendar of each account (POST /calendar/v3/freeBusy, events insert / get / delete with
/// Meet conferences). Access tokens are checked on every Calendar call. Busy times, expired or
/// revoked tokens and failures (429, 5xx, "created but the answer was lost") are scriptable; every
/// call is recorded.
/// </summary>
public sealed class FakeGoogle : IAsyncDisposable
{
    public const string ClientId = "fake-client-id.apps.googleusercontent.com";
    public const string ClientSecret = "fake-client-secret";

    public sealed record Call(string Method, string Path, string Query, string? Authorization, string Body, DateTime At)
    {
        public JsonNode? Json => Body.StartsWith('{') ? JsonNode.Parse(Body) : null;
        public Dictionary<string, string> Form => QueryHelpers.ParseQuery(Body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    private sealed record Grant(string Account, string[] Scopes, string RedirectUri);
    private sealed record AccessToken(string Account, DateTimeOffset ExpiresAt);

    public sealed class Calendar
    {
        public ConcurrentBag<(DateTimeOffset Start, DateTimeOffset End)> Busy { get; } = [];
        public ConcurrentDictionary<string, JsonObject> Events { get; } = new();
    }

    private WebApplication _app = null!;
    private int _counter;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, AccessToken> _accessTokens = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _calendarFailures = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _tokenFailures = new();
    private int _loseNextInsertAnswer;

    public ConcurrentQueue<Call> Calls { get; } = new();
    public ConcurrentDictionary<string, Calendar> Calendars { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Who signs in on the next consent screen, and whether they allow it.</summary>
    public string NextAccount { get; set; } = "owner@example.test";
    public bool NextConsentDenied { get; set; }
    /// <summary>Scopes the user grants (null: all that were asked).</summary>
    public string[]? NextGrantedScopes { get; set; }
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    public Calendar CalendarOf(string account) => Calendars.GetOrAdd(account, _ => new Calendar());
    public void AddBusy(string account, DateTimeOffset start, DateTimeOffset end) => CalendarOf(account).Busy.Add((start, end));
    public IEnumerable<Call> CallsTo(string path) => Calls.Where(c => c.Path == path);
    public IEnumerable<Call> TokenGrants(string grantType) => CallsTo("/token").Where(c => c.Form.GetValueOrDefault("grant_type") == grantType);

    /// <summary>The next `times` Calendar calls fail with `status` (Google's error body).</summary>
    public void FailCalendar(int times, int status, string? retryAfter = null)
    {
        for (var i = 0; i < times; i++) _calendarFailures.Enqueue((status, retryAfter));
    }

    public void FailToken(int times, int status)
    {
        for (var i = 0; i < times; i++) _tokenFailures.Enqueue((status, null));
    }

    /// <summary>The next event insert succeeds at Google but answers 503 (the client never learns it worked).</summary>
    public void LoseNextInsertAnswer() => Interlocked.Exchange(ref _loseNextInsertAnswer, 1);

    /// <summary>Google forgets every access token issued so far (as after a password change): Calendar answers 401.</summary>
    public void InvalidateAccessTokens() => _accessTokens.Clear();

    /// <summary>The user removed the app's access: refresh tokens answer invalid_grant.</summary>
    public void RevokeRefreshTokens() => _refreshTokens.Clear();

    public bool IsRefreshTokenValid(string token) => _refreshTokens.ContainsKey(token);

    public static async Task<FakeGoogle> StartAsync()
    {
        var fake = new FakeGoogle();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.Use(async (ctx, next) =>
        {
            ctx.Request.EnableBuffering();
            var body = await new StreamReader(ctx.Request.Body, Encoding.UTF8).ReadToEndAsync();
            ctx.Request.Body.Position = 0;
            fake.Calls.Enqueue(new Call(ctx.Request.Method, ctx.Request.Path, ctx.Request.QueryString.ToString(), ctx.Request.Headers.Authorization, body, DateTime.UtcNow));
            await next(ctx);
        });
        fake._app.MapGet("/o/oauth2/v2/auth", (Delegate)fake.Consent);
        fake._app.MapPost("/token", (Delegate)fake.Token);
        fake._app.MapPost("/revoke", (Delegate)fake.Revoke);
        fake._app.MapPost("/calendar/v3/freeBusy", (Delegate)fake.FreeBusy);
        fake._app.MapPost("/calendar/v3/calendars/primary/events", (Delegate)fake.InsertEvent);
        fake._app.MapGet("/calendar/v3/calendars/primary/events/{id}", (Delegate)fake.GetEvent);
        fake._app.MapDelete("/calendar/v3/calendars/primary/events/{id}", (Delegate)fake.DeleteEvent);
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    // ---- OAuth -----------------------------------------------------------------------------

    private IResult Consent(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || string.IsNullOrEmpty(q["redirect_uri"]))
            return Results.Text("Error 400: invalid_request", statusCode: 400);
        var redirect = q["redirect_uri"].ToString();
        var state = q["state"].ToString();
        if (NextConsentDenied) return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = state }));
        var code = "4/fake-code-" + Interlocked.Increment(ref _counter);
        var scopes = NextGrantedScopes ?? q["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _codes[code] = new Grant(NextAccount, scopes, redirect);
        return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state, ["scope"] = string.Join(' ', scopes) }));
    }

    private async Task<IResult> Token(HttpContext ctx)
    {
        if (_tokenFailures.TryDequeue(out var f)) return Results.Json(new { error = "internal_failure", error_description = "fake failure" }, statusCode: f.Status);
        var form = await ctx.Request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            return OAuthError(401, "invalid_client", "The OAuth client was not found.");
        Grant? grant;
        string? newRefresh = null;
        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                if (!_codes.TryRemove(form["code"].ToString(), out grant)) return OAuthError(400, "invalid_grant", "Malformed auth code.");
                if (grant.RedirectUri != form["redirect_uri"]) return OAuthError(400, "redirect_uri_mismatch", "Bad Request");
                newRefresh = "1//fake-refresh-" + Interlocked.Increment(ref _counter);
                _refreshTokens[newRefresh] = grant;
                break;
            case "refresh_token":
                if (!_refreshTokens.TryGetValue(form["refresh_token"].ToString(), out grant)) return OAuthError(400, "invalid_grant", "Token has been expired or revoked.");
                break;
            default:
                return OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
        }
        var access = "ya29.fake-access-" + Interlocked.Increment(ref _counter);
        _accessTokens[access] = new AccessToken(grant.Account, DateTimeOffset.UtcNow + AccessTokenLifetime);
        var response = new JsonObject
        {
            ["access_token"] = access,
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["scope"] = string.Join(' ', grant.Scopes),
            ["token_type"] = "Bearer",
        };
        if (newRefresh is not null)
        {
            response["refresh_token"] = newRefresh;
            response["id_token"] = IdToken(grant.Account);
        }
        return Results.Text(response.ToJsonString(), "application/json");
    }

    private async Task<IResult> Revoke(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync();
        var token = form["token"].ToString();
        return _refreshTokens.TryRemove(token, out _) || _accessTokens.TryRemove(token, out _)
            ? Results.Ok()
            : OAuthError(400, "invalid_token", "Token expired or revoked");
    }

    private static string IdToken(string email)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"RS256","typ":"JWT"}""") + "." + B64(new JsonObject { ["iss"] = "https://accounts.google.com", ["email"] = email, ["email_verified"] = true }.ToJsonString()) + ".fake-signature";
    }

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    // ---- Calendar ----------------------------------------------------------------------------

    /// <summary>The account behind the bearer token, or a 401/429/5xx answer.</summary>
    private IResult? Authorize(HttpContext ctx, out string account)
    {
        account = "";
        if (_calendarFailures.TryDequeue(out var f))
        {
            if (f.RetryAfter is not null) ctx.Response.Headers.RetryAfter = f.RetryAfter;
            var reason = f.Status == 429 ? "rateLimitExceeded" : "backendError";
            return CalendarError(f.Status, reason, f.Status == 429 ? "Rate Limit Exceeded" : "Backend Error");
        }
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(header[7..], out var token) || token.ExpiresAt <= DateTimeOffset.UtcNow)
            return CalendarError(401, "authError", "Request had invalid authentication credentials.");
        account = token.Account;
        return null;
    }

    private static IResult CalendarError(int status, string reason, string message) => Results.Json(new
    {
        error = new { code = status, message, errors = new[] { new { domain = "global", reason, message } }, status = status == 401 ? "UNAUTHENTICATED" : "UNAVAILABLE" },
    }, statusCode: status);

    private async Task<IResult> FreeBusy(HttpContext ctx)
    {
        if (Authorize(ctx, out var account) is { } denied) return denied;
        var body = (await JsonNode.ParseAsync(ctx.Request.Body))!;
        var min = DateTimeOffset.Parse(body["timeMin"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var max = DateTimeOffset.Parse(body["timeMax"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var cal = CalendarOf(account);
        var busy = cal.Busy.Concat(cal.Events.Values.Where(e => e["status"]?.GetValue<string>() != "cancelled")
                .Select(e => (Start: DateTimeOffset.Parse(e["start"]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                              End: DateTimeOffset.Parse(e["end"]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture))))
            .Where(x => x.Start < max && x.End > min)
            .OrderBy(x => x.Start)
            .Select(x => (JsonNode)new JsonObject { ["start"] = Utc(Max(x.Start, min)), ["end"] = Utc(Min(x.End, max)) }).ToArray();
        var calendars = new JsonObject();
        foreach (var item in body["items"]!.AsArray())
            calendars[item!["id"]!.GetValue<string>()] = new JsonObject { ["busy"] = new JsonArray(busy.Select(n => n.DeepClone()).ToArray()) };
        return Results.Text(new JsonObject
        {
            ["kind"] = "calendar#freeBusy", ["timeMin"] = Utc(min), ["timeMax"] = Utc(max), ["calendars"] = calendars,
        }.ToJsonString(), "application/json");
    }

    private async Task<IResult> InsertEvent(HttpContext ctx)
    {
        if (Authorize(ctx, out var account) is { } denied) return denied;
        var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
        var cal = CalendarOf(account);
        var id = body["id"]?.GetValue<string>() ?? "evt" + Interlocked.Increment(ref _counter);
        if (cal.Events.ContainsKey(id)) return CalendarError(409, "duplicate", "The requested identifier already exists.");
        var ev = body.DeepClone().AsObject();
        ev["kind"] = "calendar#event";
        ev["id"] = id;
        ev["status"] = "confirmed";
        ev["htmlLink"] = $"https://www.google.com/calendar/event?eid={id}";
        ev["organizer"] = new JsonObject { ["email"] = account, ["self"] = true };
        if (ctx.Request.Query["conferenceDataVersion"] == "1" && body["conferenceData"]?["createRequest"] is JsonObject create)
        {
            var code = $"{Letters(3, id)}-{Letters(4, id + "x")}-{Letters(3, id + "y")}";
            var meet = $"https://meet.google.com/{code}";
            ev["hangoutLink"] = meet;
            ev["conferenceData"] = new JsonObject
            {
                ["createRequest"] = new JsonObject
                {
                    ["requestId"] = create["requestId"]?.DeepClone(), ["conferenceSolutionKey"] = create["conferenceSolutionKey"]?.DeepClone(),
                    ["status"] = new JsonObject { ["statusCode"] = "success" },
                },
                ["entryPoints"] = new JsonArray(new JsonObject { ["entryPointType"] = "video", ["uri"] = meet, ["label"] = "meet.google.com/" + code }),
                ["conferenceSolution"] = new JsonObject { ["key"] = new JsonObject { ["type"] = "hangoutsMeet" }, ["name"] = "Google Meet" },
                ["conferenceId"] = code,
            };
        }
        cal.Events[id] = ev;
        if (Interlocked.Exchange(ref _loseNextInsertAnswer, 0) == 1) return CalendarError(503, "backendError", "Backend Error");
        return Results.Text(ev.ToJsonString(), "application/json");
    }

    private IResult GetEvent(string id, HttpContext ctx)
    {
        if (Authorize(ctx, out var account) is { } denied) return denied;
        return CalendarOf(account).Events.TryGetValue(id, out var ev) ? Results.Text(ev.ToJsonString(), "application/json") : CalendarError(404, "notFound", "Not Found");
    }

    private IResult DeleteEvent(string id, HttpContext ctx)
    {
        if (Authorize(ctx, out var account) is { } denied) return denied;
        return CalendarOf(account).Events.TryRemove(id, out _) ? Results.NoContent() : CalendarError(410, "deleted", "Resource has been deleted");
    }

    private static string Letters(int n, string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return new string(hash.Take(n).Select(x => (char)('a' + x % 26)).ToArray());
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
