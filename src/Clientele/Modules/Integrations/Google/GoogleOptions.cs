using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// Google__ClientId, Google__ClientSecret, Google__RedirectUri (default {App__PublicBaseUrl or the
/// request's own origin}/oauth/google/callback), Google__OAuthBaseUrl (https://accounts.google.com),
/// Google__TokenUrl, Google__RevokeUrl, Google__CalendarBaseUrl (https://www.googleapis.com),
/// Google__Scopes, and the HTTP behaviour: Google__TimeoutSeconds, Google__MaxRetries,
/// Google__RetryBaseDelayMilliseconds, Google__MaxRetryAfterSeconds. All overridable for tests and proxies.
/// </summary>
public sealed class GoogleOptions(IConfiguration config)
{
    /// <summary>Least privilege: create events, read free/busy, and who connected (openid email).</summary>
    public const string DefaultScopes =
        "openid email https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy";

    public const string CallbackPath = "/oauth/google/callback";

    public string? ClientId => config["Google:ClientId"] is { Length: > 0 } id ? id.Trim() : null;
    public string? ClientSecret => config["Google:ClientSecret"] is { Length: > 0 } s ? s : null;
    public bool Configured => ClientId is not null && ClientSecret is not null;

    /// <summary>The configured redirect URI, or null to derive it from the public base URL or the request.</summary>
    public string? RedirectUri => config["Google:RedirectUri"] is { Length: > 0 } r ? r.Trim() : null;
    public string? PublicBaseUrl => config["App:PublicBaseUrl"] is { Length: > 0 } b ? b.Trim().TrimEnd('/') : null;

    public Uri AuthorizeUrl => new(Base("Google:OAuthBaseUrl", "https://accounts.google.com") + "o/oauth2/v2/auth");
    public Uri TokenUrl => new(config["Google:TokenUrl"] is { Length: > 0 } t ? t.Trim() : "https://oauth2.googleapis.com/token");
    public Uri RevokeUrl => new(config["Google:RevokeUrl"] is { Length: > 0 } t ? t.Trim() : "https://oauth2.googleapis.com/revoke");
    /// <summary>Root of the Calendar API; requests go to {this}calendar/v3/….</summary>
    public Uri CalendarBaseUrl => new(Base("Google:CalendarBaseUrl", "https://www.googleapis.com"));
    public string Scopes => config["Google:Scopes"] is { Length: > 0 } sc ? sc.Trim() : DefaultScopes;

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Google:TimeoutSeconds", 15.0)));
    public int MaxRetries => Math.Clamp(config.GetValue("Google:MaxRetries", 3), 0, 10);
    public TimeSpan RetryBaseDelay => TimeSpan.FromMilliseconds(Math.Max(1, config.GetValue("Google:RetryBaseDelayMilliseconds", 500.0)));
    /// <summary>A 429 asking for a longer wait than this is reported instead of holding the caller.</summary>
    public TimeSpan MaxRetryAfter => TimeSpan.FromSeconds(Math.Max(0, config.GetValue("Google:MaxRetryAfterSeconds", 30.0)));
    /// <summary>How long the signed OAuth state (and so the consent screen) stays valid.</summary>
    public TimeSpan StateLifetime => TimeSpan.FromMinutes(Math.Max(1, config.GetValue("Google:StateLifetimeMinutes", 10.0)));
    /// <summary>Access tokens this close to expiry are refreshed before use.</summary>
    public TimeSpan RefreshSkew => TimeSpan.FromSeconds(Math.Max(0, config.GetValue("Google:RefreshSkewSeconds", 60.0)));

    private string Base(string key, string fallback) => (config[key] is { Length: > 0 } v ? v.Trim() : fallback).TrimEnd('/') + "/";
}
