using Clientele.Modules.Team.Invitations;
using Clientele.Modules.Team.Passwords;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Team.Pages;

/// <summary>/password/forgot: the same answer whether or not the address has a login (PasswordReset).</summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class ForgotPasswordModel(PasswordReset reset, IConfiguration config) : PageModel
{
    [BindProperty(Name = "email")] public string? Email { get; set; }
    public bool Sent { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear();
        Email = Email?.Trim();
        if (!Validation.IsEmail(Email))
        {
            ModelState.AddModelError("email", "Enter the email address you sign in with.");
            Response.StatusCode = 422;
            return Page();
        }
        await reset.RequestAsync(Email!, InvitationsApi.LinkBase(HttpContext, config), HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        Sent = true;
        return Page();
    }
}
