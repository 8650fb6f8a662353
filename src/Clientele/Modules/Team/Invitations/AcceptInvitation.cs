using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Team.Invitations;

/// <summary>What a link opens: the invitation behind a token, or why it does not work.</summary>
public sealed record InvitationView(Guid Id, Guid OrganizationId, string Organization, string Email, string Role, string State, bool HasLogin = false)
{
    public bool Open => State == "pending";
}

/// <summary>
/// /invite/{token}: the invitee (not signed in) sees who invited them to what, sets a name and a
/// password and becomes a user of the organization with the invited role, once. The token resolves the
/// organization through clientele_find_invitation (a definer function: the visitor has no tenant yet);
/// everything after that runs under the organization's RLS. The row is locked, so two tabs accepting
/// at once make one user.
/// </summary>
public static class AcceptInvitation
{
    public static async Task<InvitationView?> FindAsync(AppDataSource db, TenantSessions sessions, string? token, CancellationToken ct)
    {
        if (!InvitationTokens.LooksValid(token)) return null;
        await using var cmd = db.DataSource.CreateCommand("SELECT invitation_id, organization_id, email, role, status, expires_at < now() FROM clientele_find_invitation($1)");
        cmd.Parameters.AddWithValue(InvitationTokens.Hash(token!));
        Guid id, org;
        string email, role, state;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            (id, org, email, role) = (r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3));
            state = r.GetString(4) == "pending" && r.GetBoolean(5) ? "expired" : r.GetString(4);
        }
        await using var s = sessions.Open(new TenantContext { OrganizationId = org, ActorType = "system" });
        var name = await s.QueryFirstAsync("SELECT name FROM organizations WHERE id = $1", [org], r => r.GetString(0), ct) ?? "";
        var hasLogin = await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM clientele_find_login($1))", [email], ct);
        return new InvitationView(id, org, name, email, role, state, hasLogin);
    }

    /// <summary>
    /// Creates the user (name, password) and marks the invitation accepted; the caller signs them in.
    /// An address that already signs in to Clientele (another organization) joins with that login's
    /// password instead (one login, several organizations: migration 0116): the new row gets the
    /// login's password hash, so the same password opens both.
    /// </summary>
    public static async Task<SessionService.VerifiedUser> RunAsync(TenantSessions sessions, SessionService logins, InvitationView invitation, string? name, string? password, string? ip, CancellationToken ct)
    {
        var errors = new FieldErrors();
        name = name?.Trim();
        if (invitation.HasLogin)
        {
            if (name is { Length: > 255 }) errors.Add("name", "Your name is at most 255 characters.");
            if (string.IsNullOrEmpty(password) || password.Length > 200) errors.Add("password", "Enter the password you sign in to Clientele with.");
            else
            {
                var (verified, locked) = await logins.VerifyPasswordAsync(invitation.Email, password, ct);
                if (locked is { } wait) errors.Add("password", $"Too many wrong passwords for this login: try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.");
                else if (verified is null) errors.Add("password", "That is not the password of this Clientele login.");
            }
            if (string.IsNullOrEmpty(name)) name = invitation.Email.Split('@')[0];
        }
        else
        {
            if (string.IsNullOrEmpty(name) || name.Length > 255) errors.Add("name", "Enter your name (up to 255 characters).");
            if (UsersApi.PasswordProblem(password) is { } weak) errors.Add("password", "The password " + weak + ".");
        }
        errors.ThrowIfAny();

        var userId = Guid.CreateVersion7();
        var tenant = new TenantContext { OrganizationId = invitation.OrganizationId, UserId = userId, Role = invitation.Role, ActorType = "user", IpAddress = ip };
        await using var s = sessions.Open(tenant);
        await s.BeginAsync(ct);
        var state = await s.QueryFirstAsync("SELECT CASE WHEN status = 'pending' AND expires_at < now() THEN 'expired' ELSE status END FROM team_invitations WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [invitation.OrganizationId, invitation.Id], r => r.GetString(0), ct);
        if (state != "pending") throw ProblemException.Conflict(Why(state ?? "revoked"));
        var login = await s.QueryAsync("SELECT organization_id, password_hash FROM clientele_find_login($1)", [invitation.Email],
            r => (Org: r.GetGuid(0), Hash: r.IsDBNull(1) ? null : r.GetString(1)), ct);
        if (login.Any(l => l.Org == invitation.OrganizationId))
            throw ProblemException.Conflict($"{invitation.Email} is already a member of {invitation.Organization}: sign in instead.");
        if (login.Count > 0 != invitation.HasLogin)
            throw ProblemException.Conflict($"{invitation.Email} {(invitation.HasLogin ? "no longer has" : "now has")} a Clientele login: open the link again.");
        var hash = invitation.HasLogin ? login.First(l => l.Hash is not null).Hash! : SessionService.HashPassword(userId, password!);
        // Accepted first: the invitation's seat becomes the user's (the seat trigger counts users + pending invitations).
        await s.ExecuteAsync("UPDATE team_invitations SET status = 'accepted', accepted_at = now() WHERE organization_id = $1 AND id = $2", [invitation.OrganizationId, invitation.Id], ct);
        var parts = name!.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        await s.ExecuteAsync("""
            INSERT INTO users (id, organization_id, email, name, first_name, last_name, role, password_hash, created_by, updated_by)
            VALUES ($1, $2, $3, $4, left($5, 100), left($6, 100), $7, $8, (SELECT invited_by FROM team_invitations WHERE organization_id = $2 AND id = $9), $1)
            """, [userId, invitation.OrganizationId, invitation.Email, name, parts[0], SqlArg.Text(parts.Length > 1 ? parts[1] : null), invitation.Role,
                 hash, invitation.Id], ct);
        await AuditWriter.WriteAsync(s, "users", userId, "create", new JsonObject { ["after"] = new JsonObject { ["email"] = invitation.Email, ["role"] = invitation.Role, ["invitation_id"] = invitation.Id } }, ct);
        await ActivityFeed.WriteAsync(s, "invitation.accepted", "users", userId, name, new JsonObject { ["role"] = invitation.Role, ["email"] = invitation.Email, ["existing_login"] = invitation.HasLogin }, ct);
        await s.CommitAsync(ct);
        return new SessionService.VerifiedUser(userId, invitation.OrganizationId, invitation.Role);
    }

    public static string Why(string state) => state switch
    {
        "accepted" => "This invitation was already accepted: sign in instead.",
        "expired" => "This invitation has expired: ask the person who invited you to send it again.",
        "revoked" => "This invitation was withdrawn: ask the organization's admin for a new one.",
        _ => "This invitation link does not work: check that it is complete, or ask for a new one.",
    };
}
