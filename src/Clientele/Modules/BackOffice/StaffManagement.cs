using System.Text.Json.Nodes;
using Clientele.Platform.Errors;
using Npgsql;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// /admin/staff (super_admin): change a staff member's role, deactivate or reactivate them, and
/// re-enrol their two-factor secret. Role and access change through clientele_staff_update
/// (migration 0120), which the database lets only an active super_admin's staff transaction call and
/// never on their own account. Every change is in admin_audit_logs in the same transaction; the
/// cookie check re-reads the row on every request, so a change applies to the next click.
/// </summary>
public sealed class StaffManagement(StaffData data, StaffTwoFactor twoFactor)
{
    public sealed record Account(Guid Id, string Email, string Name, string Role, bool Active, DateTime? LastLoginAt, bool Enrolled, DateTime CreatedAt);

    public async Task<List<Account>> ListAsync(StaffMember staff, CancellationToken ct)
    {
        await using var tx = await data.BeginAsync(staff, ct);
        return await tx.QueryAsync("""
            SELECT id, email, full_name, admin_role, is_active, last_login_at, totp_secret IS NOT NULL, created_at
            FROM admin_users ORDER BY is_active DESC, lower(full_name), lower(email)
            """, [], r => new Account(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
                r.IsDBNull(5) ? null : r.GetDateTime(5), r.GetBoolean(6), r.GetDateTime(7)), ct);
    }

    public Task<ActionOutcome> ChangeRoleAsync(StaffMember staff, Guid target, string? role, CancellationToken ct) =>
        role is not null && StaffRoles.All.Contains(role)
            ? UpdateAsync(staff, target, role, null, ct)
            : Task.FromResult(ActionOutcome.Invalid("role", $"Choose one of: {string.Join(", ", StaffRoles.All)}."));

    public Task<ActionOutcome> SetActiveAsync(StaffMember staff, Guid target, bool active, CancellationToken ct) => UpdateAsync(staff, target, null, active, ct);

    private async Task<ActionOutcome> UpdateAsync(StaffMember staff, Guid target, string? role, bool? active, CancellationToken ct)
    {
        if (target == staff.Id) return ActionOutcome.NotIn("your own account", "a super_admin does not change their own role or access (ask another one).");
        await using var tx = await data.BeginAsync(staff, ct);
        var before = (await tx.QueryAsync("SELECT admin_role, is_active FROM admin_users WHERE id = $1 FOR UPDATE", [target],
            r => (Role: r.GetString(0), Active: r.GetBoolean(1)), ct)).Select(x => ((string Role, bool Active)?)x).FirstOrDefault();
        if (before is not { } was) return ActionOutcome.Missing("There is no such staff member.");
        if (role is not null && role == was.Role) return ActionOutcome.NotIn(role, "the role is unchanged.");
        if (active is { } a && a == was.Active) return ActionOutcome.NotIn(a ? "active" : "deactivated", "nothing to change.");
        try
        {
            await using var cmd = tx.Command("SELECT clientele_staff_update($1, $2, $3)", target, Platform.Database.SqlArg.Text(role), Platform.Database.SqlArg.Typed(active, NpgsqlTypes.NpgsqlDbType.Boolean));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == "CL403")
        {
            throw ProblemException.Forbidden(StaffRoles.Describe(StaffPermission.ManageStaff));
        }
        var (action, details) = role is not null
            ? ("staff.role_changed", new JsonObject { ["from"] = was.Role, ["to"] = role })
            : (active == true ? "staff.reactivated" : "staff.deactivated", new JsonObject { ["role"] = was.Role });
        await StaffAudit.WriteAsync(tx.Connection, tx.Transaction, staff.Id, staff.Ip, action, "admin_users", target, details, ct);
        await tx.CommitAsync(ct);
        return ActionOutcome.Done;
    }

    /// <summary>A new TOTP secret for another staff member (lost phone): the old one stops working at once; the new one is shown once.</summary>
    public async Task<(ActionOutcome Outcome, StaffTwoFactor.Enrolment? Enrolment, string? Email)> ReenrolAsync(StaffMember staff, Guid target, CancellationToken ct)
    {
        if (target == staff.Id) return (ActionOutcome.NotIn("your own account", "ask another super_admin to re-enrol your two-factor."), null, null);
        await using var tx = await data.BeginAsync(staff, ct);
        var email = (await tx.QueryAsync("SELECT email FROM admin_users WHERE id = $1 FOR UPDATE", [target], r => r.GetString(0), ct)).FirstOrDefault();
        if (email is null) return (ActionOutcome.Missing("There is no such staff member."), null, null);
        var enrolment = twoFactor.NewEnrolment(email);
        await using (var cmd = tx.Command("UPDATE admin_users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1", target, enrolment.ProtectedSecret))
            await cmd.ExecuteNonQueryAsync(ct);
        await StaffAudit.WriteAsync(tx.Connection, tx.Transaction, staff.Id, staff.Ip, "staff.totp_reenrolled", "admin_users", target, new JsonObject { ["email"] = email }, ct);
        await tx.CommitAsync(ct);
        return (ActionOutcome.Done, enrolment, email);
    }
}
