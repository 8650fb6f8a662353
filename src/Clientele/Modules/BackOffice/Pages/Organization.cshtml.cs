using Clientele.Modules.BackOffice.Suspension;
using Clientele.Modules.BackOffice.ViewAs;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/organizations/{id}: facts, use against limits, suspend (with a reason) and unsuspend.</summary>
public sealed class StaffOrganizationModel(OrganizationDirectory directory, OrganizationSuspension suspension, StaffViewAs viewAs) : StaffPage
{
    public OrganizationDirectory.Row? Org { get; private set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }
    public string? Message { get; private set; }
    public List<StaffViewAs.Person> People { get; private set; } = [];
    [BindProperty(Name = "user_id")] public string? UserId { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        Require(StaffPermission.ViewOrganizations);
        return await LoadAsync(id) ? Page() : NotFound();
    }

    /// <summary>Read-only impersonation (support, admin, super_admin): audited, announced to the organization, then the console as that user.</summary>
    public async Task<IActionResult> OnPostViewAsAsync(Guid id)
    {
        Require(StaffPermission.Impersonate);
        ModelState.Clear();
        var outcome = Guid.TryParse(UserId, out var user)
            ? await viewAs.StartAsync(HttpContext, Staff, id, user, Aborted)
            : Platform.Errors.ActionOutcome.Invalid("user_id", "Choose an active user of this organization.");
        if (outcome.Ok) return LocalRedirect("/app");
        if (!await LoadAsync(id)) return NotFound();
        ModelState.AddModelError(outcome.Field!, outcome.Message!);
        Response.StatusCode = outcome.Status;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        Org = await directory.FindAsync(Staff, id, Aborted);
        if (Org is null) return false;
        if (Can(StaffPermission.Impersonate)) People = await viewAs.PeopleAsync(Staff, id, Aborted);
        return true;
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
        if (!await LoadAsync(id)) return NotFound();
        if (outcome.Status == 422) ModelState.AddModelError(outcome.Field!, outcome.Message!);
        else Message = "Nothing changed: the organization " + outcome.Message;
        Response.StatusCode = outcome.Status;
        return Page();
    }
}
