using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Npgsql;

namespace Clientele.Modules.Team;

/// <summary>A member of the organization as the settings page lists them.</summary>
public sealed record TeamMember(Guid Id, string? Name, string Email, string Role, bool IsActive, DateTime? LastLoginAt);

/// <summary>
/// Listing members and changing roles for the console's team page, under the same owner rules as
/// the API's PATCH /users (OwnerRules: one implementation of who may make, change or demote owners).
/// </summary>
public static class TeamRoles
{
    public static async Task<IReadOnlyList<TeamMember>> ListAsync(TenantSession s, CancellationToken ct)
    {
        var list = new List<TeamMember>();
        await using var r = await s.ReadAsync("""
            SELECT id, name, email, role, is_active, last_login_at FROM users
            WHERE organization_id = $1 AND deleted_at IS NULL
            ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, coalesce(name, email)
            LIMIT 500
            """, [new NpgsqlParameter { Value = s.OrganizationId }], ct);
        while (await r.ReadAsync(ct))
            list.Add(new TeamMember(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
                r.IsDBNull(5) ? null : DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc)));
        return list;
    }

    public static async Task ChangeAsync(TenantSession s, Guid userId, string? role, CancellationToken ct)
    {
        var actor = s.Tenant;
        OwnerRules.RequireAdmin(actor);
        if (role is null || !Roles.All.Contains(role)) throw ProblemException.Validation("role", "must be one of owner, admin, member, viewer");
        var target = await OwnerRules.LockAsync(s, userId, ct);
        if (target.Role is not { } current) throw ProblemException.NotFound($"No team member with id {userId}.");
        if (current == role) return;
        OwnerRules.CheckChange(actor, target, role, deactivates: false);
        await using (var cmd = await s.CommandAsync("UPDATE users SET role = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(userId);
            cmd.Parameters.AddWithValue(role);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await AuditWriter.WriteAsync(s, "users", userId, "update", new JsonObject
        {
            ["before"] = new JsonObject { ["role"] = current }, ["after"] = new JsonObject { ["role"] = role },
        }, ct);
        await s.CommitAsync(ct);
    }
}
