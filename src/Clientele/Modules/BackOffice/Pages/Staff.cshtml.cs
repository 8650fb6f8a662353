using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.BackOffice.Pages;

/// <summary>/admin/staff (super_admin): every staff account; change role, deactivate or reactivate, re-enrol two-factor.</summary>
public sealed class StaffAccountsModel(StaffManagement management) : StaffPage
{
    public List<StaffManagement.Account> Accounts { get; private set; } = [];
    [BindProperty(Name = "role")] public string? Role { get; set; }
    public string? Message { get; private set; }
    /// <summary>Shown once, right after a re-enrolment: the new secret for the staff member's authenticator app.</summary>
    public (string Email, StaffTwoFactor.Enrolment Enrolment)? NewSecret { get; private set; }

    public async Task OnGetAsync()
    {
        Require(StaffPermission.ManageStaff);
        Accounts = await management.ListAsync(Staff, Aborted);
    }

    public Task<IActionResult> OnPostRoleAsync(Guid id)
    {
        Require(StaffPermission.ManageStaff);
        return AfterAsync(management.ChangeRoleAsync(Staff, id, Role, Aborted), "The role is changed; it applies from the staff member's next click.");
    }

    public Task<IActionResult> OnPostDeactivateAsync(Guid id)
    {
        Require(StaffPermission.ManageStaff);
        return AfterAsync(management.SetActiveAsync(Staff, id, false, Aborted), "The account is deactivated; its sessions end at their next click.");
    }

    public Task<IActionResult> OnPostReactivateAsync(Guid id)
    {
        Require(StaffPermission.ManageStaff);
        return AfterAsync(management.SetActiveAsync(Staff, id, true, Aborted), "The account is active again.");
    }

    public async Task<IActionResult> OnPostReenrolAsync(Guid id)
    {
        Require(StaffPermission.ManageStaff);
        var (outcome, enrolment, email) = await management.ReenrolAsync(Staff, id, Aborted);
        if (outcome.Ok) NewSecret = (email!, enrolment!);
        return await RenderAsync(outcome);
    }

    private async Task<IActionResult> AfterAsync(Task<Platform.Errors.ActionOutcome> action, string done)
    {
        var outcome = await action;
        if (!outcome.Ok) return await RenderAsync(outcome);
        TempData["flash"] = done;
        return LocalRedirect("/admin/staff");
    }

    /// <summary>The page again with the outcome: the new secret, the field's message (422) or why nothing changed (404/409).</summary>
    private async Task<IActionResult> RenderAsync(Platform.Errors.ActionOutcome outcome)
    {
        Accounts = await management.ListAsync(Staff, Aborted);
        if (outcome.Ok) return Page();
        if (outcome.Status == 422) ModelState.AddModelError(outcome.Field!, outcome.Message!);
        else Message = outcome.Status == 404 ? outcome.Message : "Nothing changed: " + outcome.Message;
        Response.StatusCode = outcome.Status;
        return Page();
    }
}
