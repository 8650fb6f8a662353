using System.Globalization;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.BackOffice.Suspension;

/// <summary>
/// Runs after authentication: a tenant credential of a suspended organization gets 403 with a clear
/// problem on /api (problem type organization-suspended, with the date and the staff's reason), and
/// the console sends its people to /app/suspended, which says why. Support stays open both ways
/// (/api/v1/support_tickets..., /app/support) so the organization can talk to the operator. The
/// state comes from <see cref="SuspensionState"/> (cached 5 s per node).
/// </summary>
public sealed class SuspensionGate(RequestDelegate next, SuspensionState suspension)
{
    public const string ProblemType = "https://clientele.dev/problems/organization-suspended";

    public async Task InvokeAsync(HttpContext ctx, TenantContext tenant)
    {
        var path = ctx.Request.Path;
        var api = path.StartsWithSegments("/api");
        var console = path.StartsWithSegments("/app");
        if (!tenant.IsSet || (!api && !console) || StaysOpen(path))
        {
            await next(ctx);
            return;
        }
        var state = await suspension.GetAsync(tenant.OrganizationId, ctx.RequestAborted);
        if (state.At is not { } at)
        {
            await next(ctx);
            return;
        }
        var detail = Describe(at, state.Reason);
        if (api)
        {
            await ProblemWriter.WriteAsync(ctx, new ProblemException(403, "Organization suspended", detail)
            {
                Type = ProblemType,
                Extensions = new Dictionary<string, object?> { ["suspended_at"] = at.ToString("O", CultureInfo.InvariantCulture), ["reason"] = state.Reason },
            });
            return;
        }
        if (HttpMethods.IsGet(ctx.Request.Method) && !ctx.Request.Headers.ContainsKey("HX-Request")) ctx.Response.Redirect("/app/suspended");
        else await ConsoleErrorPages.WriteAsync(ctx, 403, detail);
    }

    public static string Describe(DateTime at, string? reason) =>
        $"This organization was suspended by Clientele staff on {at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: {reason}. "
        + "Its API and console are closed and its incoming messages wait until it is unsuspended. Open a support ticket (/app/support or POST /api/v1/support_tickets) to resolve it.";

    private static bool StaysOpen(PathString path) =>
        path.StartsWithSegments("/api/v1/support_tickets") || path.StartsWithSegments("/app/support") || path.StartsWithSegments("/app/suspended");
}
