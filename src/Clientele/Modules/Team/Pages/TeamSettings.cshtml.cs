using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Team.Pages;

/// <summary>/app/settings/team: the members and their roles; admins change roles under the owner rules (TeamRoles).</summary>
public sealed class TeamSettingsModel(AuthCache cache) : ConsolePage
{
    public IReadOnlyList<TeamMember> Members { get; private set; } = [];
    public string? Flash { get; private set; }
    public Guid? Failed { get; private set; }

    [BindProperty] public Guid UserId { get; set; }
    [BindProperty] public string? Role { get; set; }

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
            Response.StatusCode = p.Status == 403 ? 403 : 422;
            await LoadAsync();
            return Page();
        }
        TempData["flash"] = "Role changed.";
        return Redirect("/app/settings/team");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Members = await TeamRoles.ListAsync(s, Aborted);
    }

    /// <summary>Roles this user may give (only an owner grants owner).</summary>
    public IEnumerable<string> Assignable => Tenant.Role == Roles.Owner ? Roles.All : Roles.All.Where(r => r != Roles.Owner);
}
