using Clientele.Platform.Database;

namespace Clientele.Modules.Team.Invitations;

/// <summary>An invitation as the team page lists it; State is "expired" for a pending one past its date.</summary>
public sealed record InvitationRow(Guid Id, string Email, string Role, string State, string? InvitedBy, DateTime ExpiresAt, DateTime CreatedAt);

public static class InvitationList
{
    /// <summary>Open invitations first (pending, then expired), then the latest accepted and revoked ones.</summary>
    public static Task<List<InvitationRow>> ReadAsync(TenantSession s, CancellationToken ct) =>
        s.QueryAsync("""
            SELECT i.id, i.email, i.role, CASE WHEN i.status = 'pending' AND i.expires_at < now() THEN 'expired' ELSE i.status END AS state,
                   coalesce(u.name, u.email), i.expires_at, i.created_at
            FROM team_invitations i LEFT JOIN users u ON u.organization_id = i.organization_id AND u.id = i.invited_by
            WHERE i.organization_id = $1
            ORDER BY CASE WHEN i.status = 'pending' THEN 0 ELSE 1 END, i.created_at DESC
            LIMIT 100
            """, [s.OrganizationId],
            r => new InvitationRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc), DateTime.SpecifyKind(r.GetDateTime(6), DateTimeKind.Utc)), ct);
}
