using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Platform.Auth.Pages;

/// <summary>/app/switch-organization: the top bar's organization switcher posts here (OrganizationSwitch); a GET goes home.</summary>
public sealed class SwitchOrganizationModel(OrganizationSwitch switcher) : ConsolePage
{
    [BindProperty(Name = "organization_id")] public Guid OrganizationId { get; set; }

    public IActionResult OnGet() => LocalRedirect("/app");

    public async Task<IActionResult> OnPostAsync()
    {
        if (await switcher.SwitchAsync(HttpContext, Tenant, OrganizationId) is not null) return LocalRedirect("/app");
        Response.StatusCode = 404;
        return Page();
    }
}
