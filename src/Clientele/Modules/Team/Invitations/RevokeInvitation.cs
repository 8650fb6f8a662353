using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Team.Invitations;

/// <summary>POST /team_invitations/{id}/revoke (and DELETE): a pending invitation stops working at once and frees its seat.</summary>
public static class RevokeInvitation
{
    public static async Task RunAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        OwnerRules.RequireAdmin(s.Tenant);
        await s.BeginAsync(ct);
        var row = await s.QueryFirstAsync("SELECT email, status FROM team_invitations WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, id], r => (Email: r.GetString(0), Status: r.GetString(1)), ct);
        if (row.Email is null) throw ProblemException.NotFound($"No invitation with id {id}.");
        if (row.Status == "revoked") return;
        if (row.Status != "pending")
            throw ProblemException.Conflict($"This invitation is {row.Status} and cannot be revoked.", new Dictionary<string, string[]> { ["status"] = [$"is {row.Status}"] });
        await s.ExecuteAsync("UPDATE team_invitations SET status = 'revoked' WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id], ct);
        await AuditWriter.WriteAsync(s, "team_invitations", id, "update", new JsonObject { ["before"] = new JsonObject { ["status"] = "pending" }, ["after"] = new JsonObject { ["status"] = "revoked" } }, ct);
        await ActivityFeed.WriteAsync(s, "invitation.revoked", "team_invitations", id, row.Email, null, ct);
        await s.CommitAsync(ct);
    }
}
