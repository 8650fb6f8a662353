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
/// Connecting Google Calendar (OAuth 2.0 authorization code flow): the authorization URL, the
/// connection status and disconnecting. The callback is in GoogleCallbackApi.
/// ?for=organization (default; the account the AI agents book on; admins) or ?for=user (the caller's own calendar).
/// </summary>
public static class GoogleConnectApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/integrations/google").WithTags("Google Calendar").AddEndpointFilter(GoogleProblems.Filter);
        g.MapGet("/authorize", Authorize).WithName("GoogleAuthorize")
            .WithSummary("The Google consent URL (?for=organization|user): open it in a browser; Google returns to /oauth/google/callback");
        g.MapGet("", Status).WithName("GoogleStatus")
            .WithSummary("Whether the organization's and the caller's Google Calendar are connected (account email, scopes, expiry; never the tokens)");
        g.MapDelete("", Disconnect).WithName("GoogleDisconnect")
            .WithSummary("Disconnect Google Calendar (?for=organization|user): the grant is revoked at Google (best effort) and the tokens deleted");
    }

    /// <summary>The owner named by ?for=, checked against the caller's rights.</summary>
    internal static CalendarOwner OwnerFor(HttpRequest request, TenantContext tenant)
    {
        var which = request.Query["for"].ToString();
        switch (which)
        {
            case "" or "organization":
                if (!tenant.IsAdmin) throw ProblemException.Forbidden("Connecting the organization's Google Calendar needs the admin or owner role; use ?for=user for your own.");
                return CalendarOwner.Organization;
            case "user":
                if (tenant.UserId is not { } user) throw ProblemException.Forbidden("?for=user needs a signed-in user or an API key that belongs to a user.");
                return CalendarOwner.User(user);
            default:
                throw ProblemException.BadRequest("for must be 'organization' or 'user'.", new Dictionary<string, string[]> { ["for"] = ["must be organization or user"] });
        }
    }

    private static IResult Authorize(HttpContext ctx, TenantContext tenant, GoogleOptions options, GoogleOAuthState states)
    {
        var owner = OwnerFor(ctx.Request, tenant);
        if (!options.Configured)
            throw new ProblemException(503, "Google not configured", "Set Google__ClientId and Google__ClientSecret (docs/integrations-google.md) to connect Google Calendar.");
        var redirectUri = options.RedirectUri
                          ?? (options.PublicBaseUrl ?? $"{ctx.Request.Scheme}://{ctx.Request.Host}") + GoogleOptions.CallbackPath;
        var (state, expires) = states.Issue(new OAuthStart(tenant.OrganizationId, owner, redirectUri, tenant.UserId, tenant.ApiKeyId));
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = options.Scopes,
            ["access_type"] = "offline",
            ["prompt"] = "consent",
            ["include_granted_scopes"] = "true",
            ["state"] = state,
        };
        var url = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(options.AuthorizeUrl.ToString(), query);
        return Results.Json(new
        {
            authorization_url = url, redirect_uri = redirectUri, account = owner.IsOrganization ? "organization" : "user", state_expires_at = expires,
        });
    }

    private static async Task<IResult> Status(HttpContext ctx, TenantContext tenant, TenantSessions sessions, GoogleOptions options)
    {
        await using var s = sessions.Open(tenant);
        var organization = await GoogleTokenStore.ReadAsync(s, CalendarOwner.Organization, forUpdate: false, ctx.RequestAborted);
        var user = tenant.UserId is { } u ? await GoogleTokenStore.ReadAsync(s, CalendarOwner.User(u), forUpdate: false, ctx.RequestAborted) : null;
        return Results.Json(new JsonObject
        {
            ["configured"] = options.Configured,
            ["organization"] = Describe(organization),
            ["user"] = Describe(user),
        });
    }

    internal static JsonObject? Describe(StoredGoogleToken? t) => t is null ? null : new JsonObject
    {
        ["connected"] = true, ["email"] = t.Email, ["scopes"] = new JsonArray(t.Scopes.Select(x => (JsonNode?)x).ToArray()),
        ["access_token_expires_at"] = t.ExpiresAt.UtcDateTime,
    };

    private static async Task<IResult> Disconnect(HttpContext ctx, TenantContext tenant, TenantSessions sessions, BodyBinder secrets, GoogleOAuthClient oauth)
    {
        var owner = OwnerFor(ctx.Request, tenant);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var removed = await GoogleTokenStore.DeleteAsync(s, owner, ct) ?? throw ProblemException.NotFound("Google Calendar is not connected for this account.");
        await AuditWriter.WriteAsync(s, "google_tokens", removed.Id, "delete", new JsonObject { ["before"] = Describe(removed), ["account"] = owner.Key }, ct);
        await s.CommitAsync(ct);
        string? refresh = null;
        try { refresh = secrets.Unprotect(removed.RefreshCipher); } catch (System.Security.Cryptography.CryptographicException) { }
        var revoked = refresh is not null && await oauth.RevokeAsync(refresh, ct);
        ctx.Response.Headers["X-Google-Revoked"] = revoked ? "true" : "false";
        return Results.NoContent();
    }
}
