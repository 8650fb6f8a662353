using Clientele.Modules.BackOffice.Suspension;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/organizations/{id}: facts, use against limits, suspend (with a reason) and unsuspend.</summary>
public sealed class StaffOrganizationModel(OrganizationDirectory directory, OrganizationSuspension suspension) : StaffPage
{
    public OrganizationDirectory.Row? Org { get; private set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        Require(StaffPermission.ViewOrganizations);
        Org = await directory.FindAsync(Staff, id, Aborted);
        return Org is null ? NotFound() : Page();
    }

    public Task<IActionResult> OnPostSuspendAsync(Guid id) => ChangeAsync(id, true);
    public Task<IActionResult> OnPostUnsuspendAsync(Guid id) => ChangeAsync(id, false);

    private async Task<IActionResult> ChangeAsync(Guid id, bool suspend)
    {
        Require(StaffPermission.SuspendOrganizations);
        var outcome = suspend ? await suspension.SuspendAsync(Staff, id, Reason, Aborted) : await suspension.UnsuspendAsync(Staff, id, Aborted);
        if (outcome.Status == 404) return NotFound();
        if (outcome.Ok)
        {
            TempData["flash"] = suspend ? "The organization is suspended." : "The organization is active again; its parked webhooks are being processed.";
            return LocalRedirect($"/admin/organizations/{id}");
        }
        Org = await directory.FindAsync(Staff, id, Aborted);
        if (Org is null) return NotFound();
        if (outcome.Status == 422) ModelState.AddModelError(outcome.Field!, outcome.Message!);
        else Message = "Nothing changed: the organization " + outcome.Message;
        Response.StatusCode = outcome.Status;
        return Page();
    }
}
