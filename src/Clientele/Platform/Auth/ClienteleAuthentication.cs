using System.Security.Claims;
using System.Text.Encodings.Web;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
/// (no tenant is known yet). The lookup (not the verdict) is cached for a few seconds in
/// <see cref="AuthCache"/>: expiry and the user's state are judged on every request, and a
/// revocation drops the entry on this node at once and on other nodes through NOTIFY.
/// A key never does more than its user may do now: its role is capped at the user's role.
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AppDataSource db, AuthCache cache, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (!ApiKeyMaterial.LooksLikeKey(key)) return AuthenticateResult.Fail("malformed API key");
        var hash = ApiKeyMaterial.Hash(key);
        var entry = AuthCache.KeyEntry(hash);
        if (!cache.TryGet(entry, out var facts))
        {
            await using var cmd = db.DataSource.CreateCommand(
                "SELECT api_key_id, organization_id, user_id, scopes, expires_at, user_role, user_active FROM clientele_authenticate_api_key($1)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = hash, NpgsqlDbType = NpgsqlDbType.Bytea });
            await using var r = await cmd.ExecuteReaderAsync(Context.RequestAborted);
            if (await r.ReadAsync(Context.RequestAborted))
            {
                var role = ApiKeyMaterial.RoleForScopes(r.GetFieldValue<string[]>(3));
                if (!r.IsDBNull(5)) role = Roles.Lowest(role, r.GetString(5));
                facts = new CredentialFacts(r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetGuid(0), null, role,
                    r.IsDBNull(4) ? null : DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc), r.GetBoolean(6));
            }
            cache.Set(entry, facts);
        }
        if (facts is null || !facts.IsValidAt(clock.GetUtcNow().UtcDateTime)) return AuthenticateResult.Fail("unknown, expired or revoked API key");
        var claims = new List<Claim>
        {
            new(ClaimNames.ApiKey, facts.ApiKeyId.ToString()!),
            new(ClaimNames.Organization, facts.OrganizationId.ToString()),
            new(ClaimNames.Role, facts.Role),
            new(ClaimNames.Actor, "api"),
        };
        if (facts.UserId is { } user) claims.Add(new Claim(ClaimNames.User, user.ToString()));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimNames.User, ClaimNames.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
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
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuthCache>();
        services.AddHostedService<AuthInvalidationListener>();
        services.AddSingleton<SessionService>();
        services.AddScoped<OrganizationSwitch>();
        services.AddSingleton<SignupConcealment>();
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
                // The user_sessions row decides idle and absolute expiry (SessionService); the
                // cookie itself lives as long as the longest session may.
                o.SlidingExpiration = false;
                o.ExpireTimeSpan = TimeSpan.FromDays(30);
                o.Events.OnValidatePrincipal = ctx => ctx.HttpContext.RequestServices.GetRequiredService<SessionService>().ValidatePrincipalAsync(ctx);
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
