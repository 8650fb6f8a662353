using Clientele.Platform.Auth;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.BackOffice.ViewAs;

/// <summary>
/// A session that staff opened as a tenant user (SessionService.StartStaffViewAsync) reads only: every
/// write (any method but GET, HEAD, OPTIONS) on the API or the console is refused with 403 before any
/// handler runs, whatever a page or endpoint checks itself. Signing out stays possible.
/// </summary>
public sealed class ReadOnlyViewGate(RequestDelegate next)
{
    public const string Detail = "Clientele staff are viewing this organization as one of its users, read-only: nothing can be changed in this session.";

    public async Task InvokeAsync(HttpContext ctx)
    {
        var r = ctx.Request;
        if (ctx.User.FindFirst(SessionService.ViewedByClaim) is null || HttpMethods.IsGet(r.Method) || HttpMethods.IsHead(r.Method)
            || HttpMethods.IsOptions(r.Method) || r.Path.StartsWithSegments("/logout"))
        {
            await next(ctx);
            return;
        }
        if (r.Path.StartsWithSegments("/api")) await ProblemWriter.WriteAsync(ctx, 403, "Read-only staff view", Detail);
        else await ConsoleErrorPages.WriteAsync(ctx, 403, Detail);
    }
}
