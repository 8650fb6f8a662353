using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// GET /oauth/google/callback?code=…&amp;state=… (public: the browser arrives here from Google). The
/// state says which organization and account; the code is exchanged at the token endpoint and the
/// tokens stored encrypted. Answers a small HTML page, or JSON (problem+json on errors) when the
/// client accepts application/json. Nothing is stored on any error.
/// </summary>
public static class GoogleCallbackApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(GoogleOptions.CallbackPath, Callback).AllowAnonymous().RequireRateLimiting("anonymous")
            .WithTags("Google Calendar").WithName("GoogleOAuthCallback")
            .WithSummary("Google's OAuth redirect: verifies state, exchanges the code, stores the tokens (encrypted)");

    private sealed class CallbackFailure(int status, string title, string detail) : Exception(detail)
    {
        public int Status { get; } = status;
        public string Title { get; } = title;
    }

    private static async Task<IResult> Callback(HttpContext ctx, GoogleOAuthState states, GoogleOAuthClient oauth, GoogleOptions options,
        TenantSessions sessions, BodyBinder secrets)
    {
        var q = ctx.Request.Query;
        try
        {
            var start = states.Read(q["state"]) ?? throw new CallbackFailure(400, "Invalid state",
                "The sign-in link is invalid or older than its limit; start connecting Google Calendar again.");
            if (q["error"].ToString() is { Length: > 0 } error)
                throw new CallbackFailure(400, error == "access_denied" ? "Access denied" : "Google refused",
                    error == "access_denied" ? "Google Calendar was not connected because access was declined." : $"Google answered '{error}'; nothing was connected.");
            if (q["code"].ToString() is not { Length: > 0 } code) throw new CallbackFailure(400, "Missing code", "Google's redirect carries no authorization code.");

            GoogleTokenGrant grant;
            try { grant = await oauth.ExchangeCodeAsync(code, start.RedirectUri, ctx.RequestAborted); }
            catch (GoogleApiException e) when (!e.Transient)
            {
                throw new CallbackFailure(400, "Code rejected", $"Google rejected the authorization code ({e.Reason ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}); start connecting again. {e.Message}");
            }
            if (MissingScopes(options.Scopes, grant.Scopes) is { Count: > 0 } missing)
                throw new CallbackFailure(400, "Calendar access not granted", $"Google Calendar needs these permissions, which were not granted: {string.Join(", ", missing)}. Connect again and allow them.");

            var tenant = new TenantContext
            {
                OrganizationId = start.OrganizationId, UserId = start.StartedByUser, ApiKeyId = start.StartedByKey, Role = Roles.Admin,
                ActorType = start.StartedByUser is null ? "api" : "user", IpAddress = ctx.Connection.RemoteIpAddress?.ToString(),
            };
            await using var s = sessions.Open(tenant);
            await s.BeginAsync(ctx.RequestAborted);
            var stored = await GoogleTokenStore.UpsertAsync(s, start.Owner, secrets.Protect(grant.AccessToken),
                grant.RefreshToken is { } r ? secrets.Protect(r) : null, grant.ExpiresAt, grant.Scopes, grant.TokenType, grant.Email, ctx.RequestAborted);
            if (!stored)
                throw new CallbackFailure(400, "No refresh token", "Google sent no refresh token (it does so only on first consent): remove the app at https://myaccount.google.com/permissions and connect again.");
            var row = await GoogleTokenStore.ReadAsync(s, start.Owner, forUpdate: false, ctx.RequestAborted);
            await AuditWriter.WriteAsync(s, "google_tokens", row?.Id, "create", new JsonObject { ["after"] = GoogleConnectApi.Describe(row), ["account"] = start.Owner.Key, ["event"] = "google_connected" }, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
            return Success(ctx, start.Owner, grant);
        }
        catch (CallbackFailure f) { return Failure(ctx, f.Status, f.Title, f.Message); }
        catch (GoogleApiException e) { return Failure(ctx, e.Transient ? 503 : 502, "Google unavailable", e.Message + " Try connecting again in a moment."); }
        catch (GoogleNotConnectedException e) { return Failure(ctx, 503, "Google not configured", e.Message); }
    }

    /// <summary>Configured calendar scopes the grant lacks (the full calendar scope covers them all).</summary>
    internal static List<string> MissingScopes(string configured, string[] granted)
    {
        if (granted.Length == 0 || granted.Contains("https://www.googleapis.com/auth/calendar")) return [];
        return configured.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(x => x.StartsWith("https://www.googleapis.com/auth/calendar", StringComparison.Ordinal) && !granted.Contains(x)).ToList();
    }

    private static bool WantsJson(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase);

    private static IResult Success(HttpContext ctx, CalendarOwner owner, GoogleTokenGrant grant)
    {
        if (WantsJson(ctx))
            return Results.Json(new { connected = true, account = owner.IsOrganization ? "organization" : "user", email = grant.Email, scopes = grant.Scopes });
        var who = grant.Email is null ? "Your Google account" : HtmlEncoder.Default.Encode(grant.Email);
        return Page(200, "Google Calendar connected", $"{who} is connected{(owner.IsOrganization ? " for your organization" : "")}. You can close this window.");
    }

    private static IResult Failure(HttpContext ctx, int status, string title, string detail)
    {
        if (WantsJson(ctx)) throw new ProblemException(status, title, detail);
        return Page(status, title, HtmlEncoder.Default.Encode(detail));
    }

    private static IResult Page(int status, string title, string encodedBody) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{HtmlEncoder.Default.Encode(title)} · Clientele</title></head>
        <body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
        <h1>{HtmlEncoder.Default.Encode(title)}</h1><p>{encodedBody}</p></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
