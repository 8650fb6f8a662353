using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>POST /admin/logout: recorded in admin_audit_logs, then the staff cookie is deleted.</summary>
public sealed class StaffLogoutModel(StaffSignIn signIn) : StaffPage
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync(HttpContext, Staff);
        return LocalRedirect("/admin/login");
    }
}
