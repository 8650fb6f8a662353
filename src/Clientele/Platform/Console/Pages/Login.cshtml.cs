using Clientele.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Platform.WebConsole.Pages;

/// <summary>
/// GET/POST /login: email + password through SessionService (a revocable server-side session, the
/// per-account lockout of Auth:LockoutThreshold), plus the "anonymous" rate limit per address.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class LoginModel(SessionService sessions) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "returnUrl")] public string? ReturnUrl { get; set; }
    [BindProperty(Name = "email")] public string? Email { get; set; }
    [BindProperty(Name = "password")] public string? Password { get; set; }
    public string? Message { get; private set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl()) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        ModelState.Clear(); // our own messages, in our own words
        if (string.IsNullOrWhiteSpace(Email)) ModelState.AddModelError("email", "Enter your email address.");
        if (string.IsNullOrEmpty(Password)) ModelState.AddModelError("password", "Enter your password.");
        if (!ModelState.IsValid) return Refused(422);

        var result = await sessions.PasswordSignInAsync(HttpContext, Email!, Password!);
        switch (result.Outcome)
        {
            case SessionService.Outcome.LockedOut:
                var wait = result.RetryAfter ?? TimeSpan.FromMinutes(1);
                Message = wait.TotalSeconds < 90
                    ? $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds."
                    : $"Too many failed sign-ins. Try again in {(int)Math.Ceiling(wait.TotalMinutes)} minutes.";
                Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Refused(429);
            case SessionService.Outcome.WrongCredentials:
                Message = "The email or password is wrong.";
                return Refused(401);
            default:
                return LocalRedirect(SafeReturnUrl());
        }
    }

    private PageResult Refused(int status)
    {
        Response.StatusCode = status;
        Password = null;
        return Page();
    }

    /// <summary>Only a local path (never "//host" or "/\host") is followed after sign-in.</summary>
    private string SafeReturnUrl() => ReturnUrl is { Length: > 0 } r && Url.IsLocalUrl(r) && !r.StartsWith("/login", StringComparison.OrdinalIgnoreCase) ? r : "/app";
}
