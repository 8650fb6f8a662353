using Clientele.Modules.Team.Passwords;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Modules.Team.Pages;

/// <summary>/password/reset/{token}: a working link sets the new password and goes to sign-in; a dead one says so (410).</summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class ResetPasswordModel(PasswordReset reset) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    public bool Closed { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await reset.FindAsync(Token, HttpContext.RequestAborted) is null) return Dead();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear();
        try
        {
            if (!await reset.ResetAsync(Token, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted)) return Dead();
        }
        catch (ProblemException p) when (p.Status == 422)
        {
            foreach (var (field, messages) in p.Errors ?? new Dictionary<string, string[]>()) foreach (var m in messages) ModelState.AddModelError(field, m);
            Response.StatusCode = 422;
            return Page();
        }
        TempData["flash"] = "Your password is changed: sign in with it.";
        return Redirect("/login");
    }

    private PageResult Dead()
    {
        Closed = true;
        Response.StatusCode = 410;
        return Page();
    }
}
