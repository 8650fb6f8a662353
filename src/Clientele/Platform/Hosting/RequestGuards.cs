using Clientele.Platform.Auth;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Net.Http.Headers;

namespace Clientele.Platform.Hosting;

/// <summary>
/// Two rules for the JSON endpoints (/api and /webchat), checked before any handler runs
/// (docs/security.md "CSRF"):
/// 1. a write that carries a body (or any Content-Type) must say application/json (or +json): 415 otherwise,
///    so a cross-site form or a text/plain "simple request" can never reach a handler; the one exception is
///    a POST of multipart/form-data to a file upload endpoint (<see cref="Uploads"/>), which rule 2 still guards;
/// 2. a write authenticated by the session cookie must come from this site: Sec-Fetch-Site
///    same-origin, or an Origin equal to this server's (or one in Security:TrustedOrigins).
/// Razor Page form posts are outside /api and are protected by ASP.NET antiforgery instead.
/// </summary>
public sealed class RequestGuardsMiddleware(RequestDelegate next, IConfiguration config)
{
    private readonly string[] _trustedOrigins = (config["Security:TrustedOrigins"] ?? "")
        .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(o => o.TrimEnd('/')).ToArray();

    /// <summary>The endpoints that take a file as multipart/form-data (POST only).</summary>
    public static readonly string[] Uploads = ["/api/v1/imports", "/api/v1/contracts"];

    /// <summary>Upload endpoints under a record: (prefix, suffix) around one id segment.</summary>
    public static readonly (string Prefix, string Suffix)[] RecordUploads = [("/api/v1/meetings/", "/transcript")];

    public async Task InvokeAsync(HttpContext ctx)
    {
        var r = ctx.Request;
        if (IsWrite(r.Method) && (r.Path.StartsWithSegments("/api") || r.Path.StartsWithSegments("/webchat")))
        {
            var hasBody = r.ContentLength > 0 || r.Headers.TransferEncoding.Count > 0 || r.Headers.ContentType.Count > 0;
            if (hasBody && !IsJson(r.ContentType) && !IsUpload(r))
            {
                await ProblemWriter.WriteAsync(ctx, 415, "Unsupported media type",
                    $"Send the body as JSON with 'Content-Type: application/json' (got '{Shorten(r.ContentType)}').");
                return;
            }
            if (ctx.User.Identity?.AuthenticationType == SessionService.Scheme && r.Path.StartsWithSegments("/api") && !FromThisSite(r))
            {
                await ProblemWriter.WriteAsync(ctx, 403, "Forbidden",
                    "A write signed in with the session cookie must come from this site (same-origin Origin or Sec-Fetch-Site); " +
                    "scripts and other sites use an API key.");
                return;
            }
        }
        await next(ctx);
    }

    private static bool IsUpload(HttpRequest r) =>
        HttpMethods.IsPost(r.Method) && r.HasFormContentType && r.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && (Uploads.Any(u => r.Path.Equals(u, StringComparison.OrdinalIgnoreCase)) || RecordUploads.Any(u => IsRecordPath(r.Path.Value ?? "", u.Prefix, u.Suffix)));

    private static bool IsRecordPath(string path, string prefix, string suffix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
        && path.Length > prefix.Length + suffix.Length && path.AsSpan(prefix.Length, path.Length - prefix.Length - suffix.Length).IndexOf('/') < 0;

    private static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var m) && m.MediaType.Value is { } t
        && (t.Equals("application/json", StringComparison.OrdinalIgnoreCase) || t.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private bool FromThisSite(HttpRequest r)
    {
        var site = r.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return false;
        var origin = r.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            var own = $"{r.Scheme}://{r.Host.Value}";
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
                   || _trustedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
        }
        return site.Length > 0; // a browser always sends one of the two on a write; neither means not a browser
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length > 80 ? s[..80] : s;
}
