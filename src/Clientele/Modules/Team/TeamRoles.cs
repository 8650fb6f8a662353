using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Npgsql;

namespace Clientele.Modules.Team;

/// <summary>A member of the organization as the settings page lists them.</summary>
public sealed record TeamMember(Guid Id, string? Name, string Email, string Role, bool IsActive, DateTime? LastLoginAt);

/// <summary>
/// Listing members and changing roles, with the owner rules: only admins and owners change roles;
/// only an owner makes someone an owner or changes an owner's role; the last owner cannot be
/// demoted (the organization would have nobody who can manage it). The owners are locked
/// (FOR UPDATE) while counting, so two demotions at once cannot leave zero owners.
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
        if (!actor.IsAdmin) throw ProblemException.Forbidden("Changing roles needs the admin or owner role.");
        if (role is null || !Roles.All.Contains(role)) throw ProblemException.Validation("role", "must be one of owner, admin, member, viewer");
        await s.BeginAsync(ct);
        string? current = null;
        await using (var cmd = await s.CommandAsync("SELECT role FROM users WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(userId);
            current = await cmd.ExecuteScalarAsync(ct) as string;
        }
        if (current is null) throw ProblemException.NotFound($"No team member with id {userId}.");
        if (current == role) return;
        if ((role == Roles.Owner || current == Roles.Owner) && actor.Role != Roles.Owner)
            throw ProblemException.Forbidden("Only an owner can make someone an owner or change an owner's role.");
        if (current == Roles.Owner)
        {
            long owners;
            await using (var cmd = await s.CommandAsync("SELECT count(*) FROM (SELECT 1 FROM users WHERE organization_id = $1 AND role = 'owner' AND deleted_at IS NULL AND is_active FOR UPDATE) o", ct))
            {
                cmd.Parameters.AddWithValue(s.OrganizationId);
                owners = (long)(await cmd.ExecuteScalarAsync(ct))!;
            }
            if (owners <= 1) throw ProblemException.Conflict("The last owner cannot be demoted: make someone else an owner first.",
                new Dictionary<string, string[]> { ["role"] = ["the organization needs at least one owner"] });
        }
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
