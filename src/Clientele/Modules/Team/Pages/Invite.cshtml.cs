using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Modules.Team.Pages;

/// <summary>
/// /invite/{token}: no sign-in needed. A working link shows the organization, role and address and
/// asks for a name and password; joining signs the new user in and opens the console. A used,
/// revoked, expired or unknown link says which (410 for the ones that were real, 404 otherwise).
/// </summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class InviteModel(AppDataSource db, TenantSessions sessions, SessionService signIn) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(Name = "name")] public string? Name { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    public InvitationView? Invitation { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Closed();

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear();
        if (!await LoadAsync()) return Closed();
        try
        {
            var user = await AcceptInvitation.RunAsync(sessions, signIn, Invitation!, Name, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
            await signIn.SignInAsync(HttpContext, user);
            return LocalRedirect("/app");
        }
        catch (ProblemException p) when (p.Status is 409 or 422 or 402)
        {
            if (p.Errors is { Count: > 0 } errors)
                foreach (var (field, messages) in errors) foreach (var m in messages) ModelState.AddModelError(field, m);
            else Message = p.Detail;
            if (p.Status == 409 && await LoadAsync() is false) return Closed();
            Response.StatusCode = p.Status;
            Password = null;
            return Page();
        }
    }

    private async Task<bool> LoadAsync()
    {
        Invitation = await AcceptInvitation.FindAsync(db, sessions, Token, HttpContext.RequestAborted);
        return Invitation is { Open: true };
    }

    private PageResult Closed()
    {
        Message = AcceptInvitation.Why(Invitation?.State ?? "unknown");
        Response.StatusCode = Invitation is null ? 404 : 410;
        return Page();
    }
}
