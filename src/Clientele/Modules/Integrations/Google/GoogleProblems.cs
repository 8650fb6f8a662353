using System.Globalization;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// How Google failures reach API clients (docs/integrations-google.md):
/// not connected / revoked / missing scopes / not configured → 424 Failed Dependency;
/// slot taken → 409 (errors.start); Google rate-limited, down or unreachable after retries → 503
/// with Retry-After; any other Google error → 502.
/// </summary>
public static class GoogleProblems
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        try
        {
            return await next(ctx);
        }
        catch (Exception e) when (ToProblem(e, ctx.HttpContext) is { } problem)
        {
            throw problem;
        }
    }

    public static ProblemException? ToProblem(Exception e, HttpContext http)
    {
        switch (e)
        {
            case GoogleNotConnectedException n:
                return new ProblemException(424, "Google Calendar not connected", n.Message);
            case SlotUnavailableException s:
                return ProblemException.Conflict(s.Message, new Dictionary<string, string[]> { ["start"] = ["is no longer free; ask for slots again"] });
            case GoogleApiException { Transient: true } t:
                var wait = Math.Max(1, (int)Math.Ceiling((t.RetryAfter ?? TimeSpan.FromSeconds(30)).TotalSeconds));
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                return new ProblemException(503, "Google Calendar unavailable", t.Message);
            case GoogleApiException g:
                return new ProblemException(502, "Google Calendar error", g.Message);
            default:
                return null;
        }
    }
}
