using System.Text.Json.Nodes;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.BackOffice.ViewAs;

/// <summary>
/// Read-only impersonation for support: staff open a session as one of the organization's active
/// users, capped at the viewer role, for 30 minutes. It is announced in the organization's activity
/// feed ("Clientele staff (name)" viewing as the user) and recorded in admin_audit_logs before the
/// cookie is issued; <see cref="ReadOnlyViewGate"/> refuses every write made with it.
/// </summary>
public sealed class StaffViewAs(StaffData data, SessionService sessions)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public sealed record Person(Guid Id, string Name, string Email, string Role);

    public async Task<List<Person>> PeopleAsync(StaffMember staff, Guid organizationId, CancellationToken ct)
    {
        await using var s = await data.OrganizationAsync(staff, organizationId, ct);
        return await s.QueryAsync("""
            SELECT id, coalesce(name, email), email, role FROM users
            WHERE organization_id = $1 AND is_active AND deleted_at IS NULL
            ORDER BY array_position(ARRAY['owner', 'admin', 'member', 'viewer']::text[], role::text), name, id LIMIT 200
            """, [organizationId], r => new Person(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3)), ct);
    }

    public async Task<ActionOutcome> StartAsync(HttpContext ctx, StaffMember staff, Guid organizationId, Guid userId, CancellationToken ct)
    {
        var person = (await PeopleAsync(staff, organizationId, ct)).FirstOrDefault(p => p.Id == userId);
        if (person is null) return ActionOutcome.Invalid("user_id", "Choose an active user of this organization.");
        await using (var s = await data.OrganizationAsync(staff, organizationId, ct))
        {
            var details = new JsonObject { ["user_id"] = userId.ToString(), ["user_email"] = person.Email, ["read_only"] = true, ["minutes"] = (int)Lifetime.TotalMinutes };
            var conn = await s.BeginAsync(ct);
            await StaffAudit.WriteAsync(conn, s.Transaction, staff.Id, staff.Ip, "organization.viewed_as_user", "organizations", organizationId, details, ct);
            await StaffActivity.WriteAsync(s, staff, "staff.viewing_as", "users", userId, person.Name,
                new JsonObject { ["read_only"] = true, ["minutes"] = (int)Lifetime.TotalMinutes, ["reason"] = "support" }, ct);
            await s.CommitAsync(ct);
        }
        await sessions.StartStaffViewAsync(ctx, organizationId, userId, staff.Id, Lifetime);
        return ActionOutcome.Done;
    }
}
