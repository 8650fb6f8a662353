using Clientele.Modules.Team.Activity;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Team.Pages;

/// <summary>/app/activity: the organization's feed (read-only for everyone), filtered by person or kind, keyset-paged.</summary>
public sealed class ActivityModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "user")] public Guid? Person { get; set; }
    [BindProperty(SupportsGet = true, Name = "action")] public string? Action { get; set; }
    [BindProperty(SupportsGet = true, Name = "after")] public string? After { get; set; }
    public IReadOnlyList<ActivityRow> Rows { get; private set; } = [];
    public IReadOnlyList<TeamMember> Members { get; private set; } = [];
    public string? Next { get; private set; }

    public static readonly (string Value, string Label)[] Kinds =
        [("", "Everything"), ("user.", "People (sign-ins, roles, access)"), ("invitation.", "Invitations"), ("record.", "Records created, changed, deleted"), ("approval.", "Approvals"), ("billing.", "Billing")];

    public async Task OnGetAsync()
    {
        if (Action is { Length: > 0 } a && !Kinds.Any(k => k.Value == a)) Action = null;
        await using var s = OpenSession();
        Members = await TeamRoles.ListAsync(s, Aborted);
        (var rows, Next) = await ActivityList.ReadAsync(s, Person, Action is { Length: > 0 } ? Action : null, After, Aborted);
        Rows = rows;
    }

    /// <summary>"record.created" → "created a record": the feed reads as sentences.</summary>
    public static string Describe(string action) => action switch
    {
        "user.signed_in" => "signed in",
        "user.role_changed" => "changed a role",
        "user.deactivated" => "deactivated a member",
        "user.reactivated" => "reactivated a member",
        "user.removed" => "removed a member",
        "user.password_reset" => "reset their password",
        "invitation.sent" => "invited",
        "invitation.resent" => "resent an invitation to",
        "invitation.revoked" => "revoked the invitation of",
        "invitation.accepted" => "joined the team",
        "record.created" => "created",
        "record.updated" => "updated",
        "record.deleted" => "deleted",
        "approval.approved" => "approved a proposal",
        "approval.rejected" => "rejected a proposal",
        _ => action.Replace('_', ' ').Replace('.', ' '),
    };
}
