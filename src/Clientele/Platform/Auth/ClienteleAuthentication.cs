using System.Security.Claims;
using System.Text.Encodings.Web;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NpgsqlTypes;

namespace Clientele.Platform.Auth;

public static class ClaimNames
{
    public const string Organization = "org";
    public const string User = "sub";
    public const string ApiKey = "key";
    public const string Role = "role";
    public const string Actor = "actor";
}

/// <summary>
/// Bearer API keys. The key is looked up by its SHA-256 through a SECURITY DEFINER function
/// (no tenant is known yet); results are cached for a few seconds so that a request costs no
/// extra round trip, and a revocation on this node drops the cache entry at once.
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AppDataSource db, IMemoryCache cache) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    public static string CacheKey(byte[] hash) => "apikey:" + Convert.ToHexString(hash);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (!ApiKeyMaterial.LooksLikeKey(key)) return AuthenticateResult.Fail("malformed API key");
        var hash = ApiKeyMaterial.Hash(key);
        var cacheKey = CacheKey(hash);
        if (!cache.TryGetValue(cacheKey, out ClaimsPrincipal? principal))
        {
            await using var cmd = db.DataSource.CreateCommand("SELECT api_key_id, organization_id, user_id, scopes FROM clientele_authenticate_api_key($1)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
            await using var r = await cmd.ExecuteReaderAsync(Context.RequestAborted);
            if (await r.ReadAsync(Context.RequestAborted))
            {
                var scopes = r.GetFieldValue<string[]>(3);
                var claims = new List<Claim>
                {
                    new(ClaimNames.ApiKey, r.GetGuid(0).ToString()),
                    new(ClaimNames.Organization, r.GetGuid(1).ToString()),
                    new(ClaimNames.Role, ApiKeyMaterial.RoleForScopes(scopes)),
                    new(ClaimNames.Actor, "api"),
                };
                if (!r.IsDBNull(2)) claims.Add(new Claim(ClaimNames.User, r.GetGuid(2).ToString()));
                principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimNames.User, ClaimNames.Role));
            }
            cache.Set(cacheKey, principal, CacheFor);
        }
        return principal is null ? AuthenticateResult.Fail("unknown or revoked API key") : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, 401, "Unauthorized",
            Request.Headers.Authorization.Count > 0 ? "The API key is invalid, expired or revoked." : "Send an API key as 'Authorization: Bearer clt_live_…' or sign in.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, 403, "Forbidden", "This credential may not do that.");
}

public static class AuthenticationSetup
{
    public const string Smart = "Clientele";

    public static IServiceCollection AddClienteleAuthentication(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, "API key or cookie", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.Count > 0 ? ApiKeyHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "clientele_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.LoginPath = "/login";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnRedirectToLogin = ctx => IsApi(ctx.Request)
                    ? ProblemWriter.WriteAsync(ctx.HttpContext, 401, "Unauthorized", "Send an API key as 'Authorization: Bearer clt_live_…' or sign in.")
                    : Redirect(ctx);
                o.Events.OnRedirectToAccessDenied = ctx => ProblemWriter.WriteAsync(ctx.HttpContext, 403, "Forbidden", "This account may not do that.");
            });
        services.AddAuthorization();
        return services;
    }

    private static bool IsApi(HttpRequest r) => r.Path.StartsWithSegments("/api") || r.Path.StartsWithSegments("/webhooks");

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        // htmx follows no redirect into a fragment: it gets 401 and console.js goes to the sign-in page.
        if (ctx.Request.Headers.ContainsKey("HX-Request"))
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers["HX-Redirect"] = "/login";
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Fills the request's TenantContext from the authenticated principal.</summary>
    public static void Fill(TenantContext t, HttpContext ctx)
    {
        var u = ctx.User;
        t.IpAddress = ctx.Connection.RemoteIpAddress?.ToString();
        t.UserAgent = ctx.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null;
        if (u.Identity?.IsAuthenticated != true) return;
        if (Guid.TryParse(u.FindFirst(ClaimNames.Organization)?.Value, out var org)) t.OrganizationId = org;
        if (Guid.TryParse(u.FindFirst(ClaimNames.User)?.Value, out var user)) t.UserId = user;
        if (Guid.TryParse(u.FindFirst(ClaimNames.ApiKey)?.Value, out var key)) t.ApiKeyId = key;
        t.Role = u.FindFirst(ClaimNames.Role)?.Value ?? Roles.Viewer;
        t.ActorType = u.FindFirst(ClaimNames.Actor)?.Value ?? "user";
    }
}
