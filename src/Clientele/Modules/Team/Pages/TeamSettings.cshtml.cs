using Clientele.Modules.Billing.Limits;
using Clientele.Modules.Email;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Team.Pages;

/// <summary>
/// /app/team (also /app/settings/team): members, roles, deactivation and removal under the owner
/// rules (TeamRoles, OwnerRules), and invitations: invite by email, resend, revoke (docs/team.md).
/// Refusals (last owner, seat limit, bad email, a relay that did not take the mail) are the form's message.
/// </summary>
public sealed class TeamSettingsModel(AuthCache cache, SmtpRelay relay, IConfiguration config) : ConsolePage
{
    public IReadOnlyList<TeamMember> Members { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];
    public string SeatsText { get; private set; } = "";
    public string? Flash { get; private set; }
    public string? Message { get; private set; }
    public Guid? Failed { get; private set; }
    public Guid? FailedAccess { get; private set; }

    [BindProperty] public Guid UserId { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public bool Active { get; set; }
    [BindProperty] public Guid InvitationId { get; set; }
    [BindProperty] public string? InviteEmail { get; set; }
    [BindProperty] public string? InviteRole { get; set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostRoleAsync()
    {
        RequireAdmin();
        try
        {
            await using var s = OpenSession();
            await TeamRoles.ChangeAsync(s, UserId, Role, Aborted);
            cache.RemoveUser(UserId); // a role change ends the user's sessions: this node at once, the trigger's NOTIFY the others
        }
        catch (ProblemException p) when (p.Status is 409 or 422 || (p.Status == 403 && Tenant.IsAdmin))
        {
            // Owner rules (an admin touching an owner, the last owner) are the form's message, not an error page.
            ModelState.AddModelError(nameof(Role), p.Errors?.Values.SelectMany(x => x).FirstOrDefault() is { } m && p.Status != 409 ? "The role " + m + "." : p.Detail ?? p.Title);
            Failed = UserId;
            return await AgainAsync(p.Status == 403 ? 403 : 422);
        }
        return Done("Role changed.");
    }

    public Task<IActionResult> OnPostActiveAsync() => MemberActionAsync(s => TeamRoles.SetActiveAsync(s, UserId, Active, Aborted), Active ? "Reactivated." : "Deactivated: their sessions have ended.");

    public Task<IActionResult> OnPostRemoveAsync() => MemberActionAsync(s => TeamRoles.RemoveAsync(s, UserId, Aborted), "Removed from the team.");

    public async Task<IActionResult> OnPostInviteAsync()
    {
        RequireAdmin();
        try
        {
            await using var s = OpenSession();
            await InviteMember.RunAsync(s, relay, InvitationsApi.LinkBase(HttpContext, config), InviteEmail, InviteRole, Aborted);
        }
        catch (ProblemException p) when (p.Status is 402 or 409 or 422 or 503)
        {
            foreach (var m in p.Errors is { Count: > 0 } e && p.Status is 409 or 422 ? e.Where(kv => kv.Key is "email" or "role").SelectMany(kv => kv.Value.Select(v => (kv.Key, v))) : [])
                ModelState.AddModelError(m.Key == "email" ? nameof(InviteEmail) : nameof(InviteRole), (m.Key == "email" ? "The email " : "The role ") + m.v + ".");
            if (ModelState.IsValid) Message = p.Detail ?? p.Title;
            return await AgainAsync(p.Status is 503 ? 503 : 422);
        }
        return Done($"Invitation sent to {InviteEmail!.Trim()}.");
    }

    public Task<IActionResult> OnPostResendAsync() => InvitationActionAsync(s => ResendInvitation.RunAsync(s, relay, InvitationsApi.LinkBase(HttpContext, config), InvitationId, Aborted), "Invitation sent again with a new link.");

    public Task<IActionResult> OnPostRevokeAsync() => InvitationActionAsync(s => RevokeInvitation.RunAsync(s, InvitationId, Aborted), "Invitation revoked.");

    private async Task<IActionResult> MemberActionAsync(Func<TenantSession, Task> action, string done)
    {
        RequireAdmin();
        try
        {
            await using var s = OpenSession();
            await action(s);
            cache.RemoveUser(UserId);
        }
        catch (ProblemException p) when (p.Status is 402 or 404 or 409 or 422 || (p.Status == 403 && Tenant.IsAdmin))
        {
            ModelState.AddModelError("Access", p.Detail ?? p.Title);
            FailedAccess = UserId;
            return await AgainAsync(p.Status is 403 or 404 ? p.Status : 422);
        }
        return Done(done);
    }

    private async Task<IActionResult> InvitationActionAsync(Func<TenantSession, Task> action, string done)
    {
        RequireAdmin();
        try
        {
            await using var s = OpenSession();
            await action(s);
        }
        catch (ProblemException p) when (p.Status is 402 or 404 or 409 or 422 or 503)
        {
            Message = p.Detail ?? p.Title;
            return await AgainAsync(p.Status is 404 or 503 ? p.Status : 422);
        }
        return Done(done);
    }

    private RedirectResult Done(string flash)
    {
        TempData["flash"] = flash;
        return Redirect("/app/team");
    }

    private async Task<IActionResult> AgainAsync(int status)
    {
        Response.StatusCode = status;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Members = await TeamRoles.ListAsync(s, Aborted);
        Invitations = await InvitationList.ReadAsync(s, Aborted);
        var seats = (await OrganizationUsageApi.ReadAsync(s, DateTime.UtcNow, Aborted)).Limits.First(l => l.Limit == "max_users");
        SeatsText = seats.Max is long max ? $"{seats.Used} of {max} seats used" : $"{seats.Used} seats used, no limit";
    }

    /// <summary>Roles this user may give (only an owner grants owner).</summary>
    public IEnumerable<string> Assignable => Tenant.Role == Roles.Owner ? Roles.All : Roles.All.Where(r => r != Roles.Owner);
}
