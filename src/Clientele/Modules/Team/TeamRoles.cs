using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Limits;
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
        await ActivityFeed.WriteAsync(s, "user.role_changed", "users", userId, await NameAsync(s, userId, ct),
            new JsonObject { ["from"] = current, ["to"] = role }, ct);
        await s.CommitAsync(ct);
    }

    /// <summary>Deactivates (no sign-in, sessions end, the seat is freed) or reactivates (takes a seat of max_users again) a member.</summary>
    public static async Task SetActiveAsync(TenantSession s, Guid userId, bool active, CancellationToken ct)
    {
        var actor = s.Tenant;
        OwnerRules.RequireAdmin(actor);
        var target = await OwnerRules.LockAsync(s, userId, ct);
        if (target.Role is null) throw ProblemException.NotFound($"No team member with id {userId}.");
        if (!active && userId == actor.UserId) throw ProblemException.Conflict("You cannot deactivate yourself: ask another admin.");
        OwnerRules.CheckChange(actor, target, null, deactivates: !active);
        var isActive = await s.ScalarAsync<bool>("SELECT is_active FROM users WHERE organization_id = $1 AND id = $2", [s.OrganizationId, userId], ct);
        if (isActive == active) return;
        if (active)
        {
            // The seat trigger guards inserts; a reactivation takes a seat too, so it is checked the same way here.
            await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('plan_limit:users:' || $1::text, 0))", [s.OrganizationId], ct);
            var seats = (await OrganizationUsageApi.ReadAsync(s, DateTime.UtcNow, ct)).Limits.First(l => l.Limit == "max_users");
            if (seats.Max is long max && seats.Used + 1 > max)
                throw ProblemException.PlanLimit("max_users", max, seats.Used, null, $"The plan allows {max} users; {seats.Used} in use. Upgrade the plan to add more.");
        }
        await s.ExecuteAsync("UPDATE users SET is_active = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, userId, active, SqlArg.Uuid(actor.ActorId)], ct);
        await AuditWriter.WriteAsync(s, "users", userId, "update", new JsonObject
        {
            ["before"] = new JsonObject { ["is_active"] = !active }, ["after"] = new JsonObject { ["is_active"] = active },
        }, ct);
        await ActivityFeed.WriteAsync(s, active ? "user.reactivated" : "user.deactivated", "users", userId, await NameAsync(s, userId, ct), null, ct);
        await s.CommitAsync(ct);
    }

    /// <summary>Removes a member (soft delete: their history keeps their name); never the last owner, never yourself.</summary>
    public static async Task RemoveAsync(TenantSession s, Guid userId, CancellationToken ct)
    {
        var actor = s.Tenant;
        OwnerRules.RequireAdmin(actor);
        var target = await OwnerRules.LockAsync(s, userId, ct);
        if (target.Role is null) throw ProblemException.NotFound($"No team member with id {userId}.");
        if (userId == actor.UserId) throw ProblemException.Conflict("You cannot remove yourself: ask another admin.");
        OwnerRules.CheckDelete(actor, target);
        var name = await NameAsync(s, userId, ct);
        await s.ExecuteAsync("UPDATE users SET deleted_at = now(), deleted_by = $3, is_active = false WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, userId, SqlArg.Uuid(actor.ActorId)], ct);
        await AuditWriter.WriteAsync(s, "users", userId, "delete", null, ct);
        await ActivityFeed.WriteAsync(s, "user.removed", "users", userId, name, null, ct);
        await s.CommitAsync(ct);
    }

    private static async Task<string?> NameAsync(TenantSession s, Guid userId, CancellationToken ct) =>
        await s.QueryFirstAsync("SELECT coalesce(name, email) FROM users WHERE organization_id = $1 AND id = $2", [s.OrganizationId, userId], r => r.GetString(0), ct);
}
