using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin: the organizations list is the back office's home.</summary>
public sealed class StaffHomeModel : StaffPage
{
    public IActionResult OnGet() => LocalRedirect("/admin/organizations");
}
