using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;

namespace Clientele.Modules.Team.Invitations;

/// <summary>
/// POST /team_invitations {email, role}: admins and owners invite someone as admin, member or viewer.
/// The server makes the token (only its hash is kept), the invitation lasts 7 days, takes a seat of
/// max_users (the billing module's seat trigger, platform_seat_limit: users + pending invitations) and
/// the email with the link goes out before the row commits, so a relay that refuses leaves nothing behind.
/// </summary>
public static class InviteMember
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    public static readonly string[] InvitableRoles = [Roles.Admin, Roles.Member, Roles.Viewer];

    public static async Task<Guid> RunAsync(TenantSession s, SmtpRelay relay, string linkBase, string? email, string? role, CancellationToken ct)
    {
        OwnerRules.RequireAdmin(s.Tenant);
        var errors = new FieldErrors();
        email = email?.Trim();
        if (!Validation.IsEmail(email) || email!.Length > 255) errors.Add("email", "must be a valid email address");
        if (role == Roles.Owner) errors.Add("role", "cannot be owner: invite an admin, then make them an owner from the team page");
        else if (role is null || !InvitableRoles.Contains(role)) errors.Add("role", "must be one of admin, member, viewer");
        errors.ThrowIfAny();

        await s.BeginAsync(ct);
        await RefuseExistingAccountAsync(s, email!, ct);
        if (await s.ScalarAsync<Guid?>("SELECT id FROM team_invitations WHERE id IN (SELECT clientele_ids_by_email('team_invitations', $2)) AND organization_id = $1 AND status = 'pending'",
                [s.OrganizationId, email], ct) is not null)
            throw ProblemException.Conflict($"{email} already has a pending invitation: resend or revoke it.",
                new Dictionary<string, string[]> { ["email"] = ["already has a pending invitation"] });

        var id = Guid.CreateVersion7();
        var (token, hash) = InvitationTokens.New();
        var expires = DateTime.UtcNow + Lifetime;
        var inviter = await InviterAsync(s, ct);
        // The seat trigger raises CL402 (a 402 plan-limit problem) when the organization is full.
        await s.ExecuteAsync("""
            INSERT INTO team_invitations (id, organization_id, invited_by, email, role, token, status, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
            """, [id, s.OrganizationId, inviter.Id, email, role, hash, expires], ct);
        await AuditWriter.WriteAsync(s, "team_invitations", id, "create", new JsonObject { ["after"] = new JsonObject { ["email"] = email, ["role"] = role } }, ct);
        await ActivityFeed.WriteAsync(s, "invitation.sent", "team_invitations", id, email, new JsonObject { ["role"] = role }, ct);
        await InvitationMail.SendAsync(relay, email!, inviter.Organization, inviter.Name, role!, Link(linkBase, token), expires, ct);
        await s.CommitAsync(ct);
        return id;
    }

    public static string Link(string linkBase, string token) => $"{linkBase.TrimEnd('/')}/invite/{token}";

    /// <summary>
    /// A member of this organization is not invited again (a clear 409). An address that signs in to
    /// another organization may be invited: the person joins with their own password (one login,
    /// several organizations, migration 0116).
    /// </summary>
    internal static async Task RefuseExistingAccountAsync(TenantSession s, string email, CancellationToken ct)
    {
        var member = await s.QueryFirstAsync("SELECT organization_id FROM clientele_find_login($1) WHERE organization_id = $2", [email, s.OrganizationId], r => (Guid?)r.GetGuid(0), ct);
        if (member is null) return;
        throw ProblemException.Conflict($"{email} is already a member of this organization.", new Dictionary<string, string[]> { ["email"] = ["is already a member"] });
    }

    internal sealed record Inviter(Guid Id, string Name, string Organization);

    /// <summary>The user who invites (an API key stands for its user, else the first owner) and the organization's name.</summary>
    internal static async Task<Inviter> InviterAsync(TenantSession s, CancellationToken ct) =>
        await s.QueryFirstAsync("""
            SELECT u.id, coalesce(u.name, u.email), o.name FROM organizations o
            JOIN users u ON u.organization_id = o.id
            WHERE o.id = $1 AND u.deleted_at IS NULL
            ORDER BY (u.id IS NOT DISTINCT FROM $2::uuid) DESC,
                     (u.id IS NOT DISTINCT FROM (SELECT coalesce(k.user_id, k.created_by) FROM api_keys k WHERE k.organization_id = $1 AND k.id = $3::uuid)) DESC,
                     (u.role = 'owner') DESC, u.created_at
            LIMIT 1
            """, [s.OrganizationId, SqlArg.Uuid(s.Tenant.UserId), SqlArg.Uuid(s.Tenant.ApiKeyId)],
            r => new Inviter(r.GetGuid(0), r.GetString(1), r.GetString(2)), ct)
        ?? throw new InvalidOperationException("the organization has no user to invite in the name of");
}
