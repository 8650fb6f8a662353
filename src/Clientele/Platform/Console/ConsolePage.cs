using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// The base of every signed-in console page: the request's tenant (from the session cookie, as
/// for the API), tenant sessions under RLS, and server-side role checks. A page shows write
/// controls only when CanWrite; its POST handlers call RequireWrite() anyway, so a forged POST
/// from a viewer is a 403.
/// </summary>
[Authorize]
public abstract class ConsolePage : PageModel
{
    public TenantContext Tenant => HttpContext.RequestServices.GetRequiredService<TenantContext>();
    public bool CanWrite => Tenant.CanWrite;
    public bool IsAdmin => Tenant.IsAdmin;
    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>A tenant session for this request (RLS on the signed-in organization); dispose it.</summary>
    protected TenantSession OpenSession() => HttpContext.RequestServices.GetRequiredService<TenantSessions>().Open(Tenant);

    protected T Service<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    protected void RequireWrite()
    {
        if (!CanWrite) throw ProblemException.Forbidden("The viewer role cannot change data.");
    }

    protected void RequireAdmin()
    {
        if (!IsAdmin) throw ProblemException.Forbidden("This needs the admin or owner role.");
    }

    /// <summary>True when htmx asked for a fragment (answer with a partial, not the whole page).</summary>
    public bool IsHtmx => Request.Headers.ContainsKey("HX-Request");
}
