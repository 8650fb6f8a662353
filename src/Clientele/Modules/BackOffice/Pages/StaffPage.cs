using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>
/// The base of every signed-in /admin page: authorized by the staff cookie scheme only (a tenant's
/// session or API key authenticates nobody here), with the role checked per page and per action.
/// </summary>
[Authorize(AuthenticationSchemes = StaffAuthentication.Scheme)]
public abstract class StaffPage : PageModel
{
    public StaffMember Staff => StaffMember.From(User, HttpContext.Connection.RemoteIpAddress)
        ?? throw ProblemException.Forbidden("Sign in to the back office.");

    public bool Can(StaffPermission p) => Staff.Can(p);
    protected CancellationToken Aborted => HttpContext.RequestAborted;
    protected T Service<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    protected void Require(StaffPermission p)
    {
        if (!Staff.Can(p)) throw ProblemException.Forbidden(StaffRoles.Describe(p));
    }
}
