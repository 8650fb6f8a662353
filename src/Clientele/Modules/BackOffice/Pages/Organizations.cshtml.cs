using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/organizations?q=: every organization with plan, limits and use; any staff role.</summary>
public sealed class StaffOrganizationsModel(OrganizationDirectory directory) : StaffPage
{
    [BindProperty(SupportsGet = true, Name = "q")] public string? Q { get; set; }
    public List<OrganizationDirectory.Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Require(StaffPermission.ViewOrganizations);
        if (Q is { Length: > 200 }) Q = Q[..200];
        Rows = await directory.SearchAsync(Staff, Q, 200, Aborted);
    }
}
