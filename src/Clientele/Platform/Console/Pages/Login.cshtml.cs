using Clientele.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Platform.WebConsole.Pages;

/// <summary>GET/POST /login: email + password onto the session cookie, with a lockout after repeated failures.</summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class LoginModel(LoginThrottle throttle) : PageModel
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

        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.LockedFor(Email!, ip) is { } wait)
        {
            Message = $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.";
            return Refused(429);
        }
        var who = await PasswordSignIn.VerifyAsync(HttpContext, Email!, Password!);
        if (who is null)
        {
            throttle.Failed(Email!, ip);
            Message = "The email or password is wrong.";
            return Refused(401);
        }
        throttle.Succeeded(Email!);
        await PasswordSignIn.SignInAsync(HttpContext, who);
        return LocalRedirect(SafeReturnUrl());
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
