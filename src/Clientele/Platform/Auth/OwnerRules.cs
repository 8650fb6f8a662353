using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Platform.Auth;

/// <summary>
/// The owner rules, for every way a user's role or presence changes (the API's /users and the
/// console's team page use these and nothing else): only admins and owners change users; only an
/// owner makes someone an owner or changes or removes an owner (API keys act at most as admin);
/// the last active owner cannot be demoted, deactivated or deleted (nobody could manage the
/// organization). The active owners are locked FOR UPDATE in id order while checking, so two
/// owners demoting each other at once cannot both succeed: the second sees the first's result.
/// </summary>
public static class OwnerRules
{
    public const string LastOwner = "This is the organization's last active owner: make another owner first.";

    /// <summary>The user's current role (null when there is no such user) and the organization's active owners, locked.</summary>
    public sealed record Target(Guid UserId, string? Role, IReadOnlyList<Guid> ActiveOwners)
    {
        public bool IsLastOwner => Role == Roles.Owner && ActiveOwners.Count == 1 && ActiveOwners[0] == UserId;
    }

    public static void RequireAdmin(TenantContext actor)
    {
        if (!actor.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!actor.IsAdmin) throw ProblemException.Forbidden("Changing users needs the admin or owner role.");
    }

    /// <summary>Starts the session's transaction and locks the active owners (see the class comment).</summary>
    public static async Task<Target> LockAsync(TenantSession s, Guid userId, CancellationToken ct)
    {
        await s.BeginAsync(ct);
        var owners = new List<Guid>();
        await using (var cmd = await s.CommandAsync("""
            SELECT id FROM users WHERE organization_id = $1 AND role = 'owner' AND is_active AND deleted_at IS NULL ORDER BY id FOR UPDATE
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) owners.Add(r.GetGuid(0));
        }
        await using var role = await s.CommandAsync("SELECT role FROM users WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE", ct);
        role.Parameters.AddWithValue(s.OrganizationId);
        role.Parameters.AddWithValue(userId);
        return new Target(userId, await role.ExecuteScalarAsync(ct) as string, owners);
    }

    /// <summary>A new user with this role (null: the default, never owner).</summary>
    public static void CheckCreate(TenantContext actor, string? role)
    {
        RequireAdmin(actor);
        if (role == Roles.Owner) RequireOwner(actor, "Only an owner can make an owner.");
    }

    /// <summary>A change of role (newRole null: unchanged) and/or deactivation of an existing user.</summary>
    public static void CheckChange(TenantContext actor, Target target, string? newRole, bool deactivates)
    {
        RequireAdmin(actor);
        if (target.Role == Roles.Owner || newRole == Roles.Owner) RequireOwner(actor, "Only an owner can make an owner or change one.");
        var losesOwner = target.Role == Roles.Owner && ((newRole is not null && newRole != Roles.Owner) || deactivates);
        if (losesOwner && target.IsLastOwner)
            throw ProblemException.Conflict(LastOwner,
                new Dictionary<string, string[]> { [newRole is not null ? "role" : "is_active"] = ["cannot remove the last active owner"] });
    }

    public static void CheckDelete(TenantContext actor, Target target)
    {
        RequireAdmin(actor);
        if (target.Role != Roles.Owner) return;
        RequireOwner(actor, "Only an owner can remove an owner.");
        if (target.IsLastOwner) throw ProblemException.Conflict(LastOwner);
    }

    private static void RequireOwner(TenantContext actor, string detail)
    {
        if (actor.Role != Roles.Owner) throw ProblemException.Forbidden(detail + " (API keys act at most as admin.)");
    }
}
