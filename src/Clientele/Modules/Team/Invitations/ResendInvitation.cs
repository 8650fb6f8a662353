using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Limits;
using Clientele.Modules.Email;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Team.Invitations;

/// <summary>
/// POST /team_invitations/{id}/resend: a pending invitation (also one whose 7 days ran out) gets a new
/// token and 7 more days, and the email goes again; the old link stops working. An expired one takes
/// a seat again, so it is checked against max_users first (the billing module's usage read).
/// </summary>
public static class ResendInvitation
{
    public static async Task RunAsync(TenantSession s, SmtpRelay relay, string linkBase, Guid id, CancellationToken ct)
    {
        OwnerRules.RequireAdmin(s.Tenant);
        await s.BeginAsync(ct);
        var row = await s.QueryFirstAsync("SELECT email, role, status, expires_at < now() FROM team_invitations WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, id], r => new { Email = r.GetString(0), Role = r.GetString(1), Status = r.GetString(2), Expired = r.GetBoolean(3) }, ct)
            ?? throw ProblemException.NotFound($"No invitation with id {id}.");
        if (row.Status != "pending")
            throw ProblemException.Conflict($"This invitation is {row.Status}: invite {row.Email} again instead.", new Dictionary<string, string[]> { ["status"] = [$"is {row.Status}"] });
        if (row.Expired)
        {
            await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('plan_limit:users:' || $1::text, 0))", [s.OrganizationId], ct);
            var seats = (await OrganizationUsageApi.ReadAsync(s, DateTime.UtcNow, ct)).Limits.First(l => l.Limit == "max_users");
            if (seats.Max is long max && seats.Used + 1 > max)
                throw ProblemException.PlanLimit("max_users", max, seats.Used, null, $"The plan allows {max} users; {seats.Used} in use. Upgrade the plan to add more.");
        }
        await InviteMember.RefuseExistingAccountAsync(s, row.Email, ct);
        var (token, hash) = InvitationTokens.New();
        var expires = DateTime.UtcNow + InviteMember.Lifetime;
        await s.ExecuteAsync("UPDATE team_invitations SET token = $3, expires_at = $4 WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id, hash, expires], ct);
        await AuditWriter.WriteAsync(s, "team_invitations", id, "update", new JsonObject { ["after"] = new JsonObject { ["expires_at"] = expires, ["token"] = "(new)" } }, ct);
        await ActivityFeed.WriteAsync(s, "invitation.resent", "team_invitations", id, row.Email, null, ct);
        var inviter = await InviteMember.InviterAsync(s, ct);
        await InvitationMail.SendAsync(relay, row.Email, inviter.Organization, inviter.Name, row.Role, InviteMember.Link(linkBase, token), expires, ct);
        await s.CommitAsync(ct);
    }
}
