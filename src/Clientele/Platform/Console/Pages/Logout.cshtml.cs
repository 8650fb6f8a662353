using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Platform.WebConsole.Pages;

/// <summary>POST /logout ends the session (GET only asks, so a link or image cannot sign anyone out).</summary>
[AllowAnonymous]
public sealed class LogoutModel(TenantContext tenant, SessionService sessions) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.SignOutAsync(HttpContext, tenant);
        return Redirect("/login");
    }
}
