using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Hosting;

/// <summary>
/// Response headers every answer gets (docs/security.md "Headers"): nosniff everywhere; CSP with
/// frame-ancestors on HTML; no-store where a secret is in the body; HSTS over HTTPS; no Server
/// header. X-Forwarded-For/Proto are honoured only from the proxies the operator lists in
/// Security:KnownProxies / Security:KnownNetworks, so that behind TLS termination the request
/// counts as HTTPS (Secure cookies, HSTS, correct client IP for limits and audit).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For /docs (Swagger UI), the webchat try page and any HTML that sets no policy of its own.</summary>
    public const string HtmlPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                     "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddClienteleSecurityHeaders(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        var proxies = List(config["Security:KnownProxies"]);
        var networks = List(config["Security:KnownNetworks"]);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in proxies) o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in networks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
            o.ForwardLimit = Math.Max(1, proxies.Length + networks.Length);
        });
        return services;
    }

    /// <summary>Checks Security:KnownProxies / KnownNetworks so that a typo fails the start, not the first request.</summary>
    public static IEnumerable<string> ValidateProxySettings(IConfiguration config)
    {
        foreach (var p in List(config["Security:KnownProxies"]))
            if (!IPAddress.TryParse(p, out _)) yield return $"Security:KnownProxies: '{p}' is not an IP address";
        foreach (var n in List(config["Security:KnownNetworks"]))
            if (!System.Net.IPNetwork.TryParse(n, out _)) yield return $"Security:KnownNetworks: '{n}' is not a network in CIDR notation (10.0.0.0/8)";
    }

    public static void UseClienteleSecurityHeaders(this WebApplication app)
    {
        var config = app.Configuration;
        if (List(config["Security:KnownProxies"]).Length + List(config["Security:KnownNetworks"]).Length > 0) app.UseForwardedHeaders();
        var hsts = "max-age=" + (config.GetValue("Security:HstsMaxAgeDays", 365) * 86400L).ToString(CultureInfo.InvariantCulture);
        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.Append("Referrer-Policy", "same-origin");
            if (ctx.Request.IsHttps) h.StrictTransportSecurity = hsts;
            if (CarriesSecret(ctx.Request)) h.CacheControl = "no-store";
            ctx.Response.OnStarting(() =>
            {
                if (ctx.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                    && !ctx.Response.Headers.ContainsKey("Content-Security-Policy"))
                {
                    ctx.Response.Headers.ContentSecurityPolicy = HtmlPolicy;
                    ctx.Response.Headers.XFrameOptions = "DENY";
                }
                return Task.CompletedTask;
            });
            await next(ctx);
        });
    }

    /// <summary>Answers that carry a credential or a session: never stored by a browser or proxy cache.</summary>
    private static bool CarriesSecret(HttpRequest r) =>
        r.Path.StartsWithSegments("/api/v1/signup") || r.Path.StartsWithSegments("/api/v1/auth") || r.Path.StartsWithSegments("/api/v1/api_keys")
        || r.Path.StartsWithSegments("/api/v1/me") || r.Path.StartsWithSegments("/login")
        || (HttpMethods.IsPost(r.Method) && r.Path.StartsWithSegments("/webchat") && r.Path.Value!.EndsWith("/sessions", StringComparison.Ordinal));

    private static string[] List(string? s) => (s ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
}
