using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>GET/POST /admin/login: email, password and TOTP code (StaffSignIn), the per-account lockout and the anonymous rate limit.</summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class StaffLoginModel(StaffSignIn signIn) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "returnUrl")] public string? ReturnUrl { get; set; }
    [BindProperty(Name = "email")] public string? Email { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    [BindProperty(Name = "code")] public string? Code { get; set; }
    public string? Message { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear();
        if (string.IsNullOrWhiteSpace(Email)) ModelState.AddModelError("email", "Enter your email address.");
        if (string.IsNullOrEmpty(Password)) ModelState.AddModelError("password", "Enter your password.");
        if (string.IsNullOrWhiteSpace(Code)) ModelState.AddModelError("code", "Enter the code from your authenticator app.");
        if (!ModelState.IsValid) return Refused(422);
        var (outcome, retryAfter) = await signIn.SignInAsync(HttpContext, Email!, Password!, Code);
        switch (outcome)
        {
            case StaffSignIn.Outcome.SignedIn:
                return LocalRedirect(ReturnUrl is { Length: > 0 } r && Url.IsLocalUrl(r) && r.StartsWith("/admin", StringComparison.Ordinal) && !r.StartsWith("/admin/login", StringComparison.Ordinal) ? r : "/admin");
            case StaffSignIn.Outcome.LockedOut:
                var seconds = (int)Math.Ceiling((retryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds);
                Message = $"Too many failed sign-ins. Try again in {seconds} seconds.";
                Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Refused(429);
            case StaffSignIn.Outcome.NoTwoFactor:
                Message = "Two-factor authentication is not set up for this account. Ask an operator to create it again with create-admin.";
                return Refused(401);
            default:
                Message = "The email, password or code is wrong.";
                return Refused(401);
        }
    }

    private PageResult Refused(int status)
    {
        Response.StatusCode = status;
        Password = null;
        Code = null;
        return Page();
    }
}
