using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Leads;

/// <summary>
/// assign: the lead gets an owner. A named user must be an active member of the organization who
/// can write; without one, the active sales user (department 'sales'; every writer when nobody is
/// in sales) with the fewest open leads, ties to the one assigned longest ago, then by id: a
/// round robin that evens out the load.
/// </summary>
public static class LeadAssignment
{
    public sealed record Body(Guid? UserId);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, Guid? userId, CancellationToken ct)
    {
        var before = await LeadQualification.LockAsync(s, id, ct);
        if (before is null) return ActionOutcome.Missing($"No lead with id {id}.");
        var status = before["qualification_status"]!.GetValue<string>();
        if (status is "converted" or "disqualified") return ActionOutcome.NotIn(status, "only an open lead is assigned");
        // Serialises automatic assignment per organization so two leads at once do not both pick the same least-loaded rep.
        await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('lead-assignment:' || $1::text, 0))", [s.OrganizationId], ct);
        var owner = userId is { } named
            ? await s.QueryFirstAsync<Guid?>("""
                SELECT id FROM users WHERE organization_id = $1 AND id = $2 AND is_active AND deleted_at IS NULL AND role <> 'viewer'
                """, [s.OrganizationId, named], r => r.GetGuid(0), ct)
            : await NextOwnerAsync(s, ct);
        if (owner is null)
            return userId is null ? ActionOutcome.NotIn("unassignable", "nobody in the organization can own leads (no active member who can write)")
                                  : ActionOutcome.Invalid("user_id", "is not an active member of the organization who can write");
        await s.ExecuteAsync("UPDATE leads SET assigned_to = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, id, owner, SqlArg.Uuid(s.Tenant.ActorId)], ct);
        await SalesRows.UpdatedAsync(s, "leads", id, before, ct, "lead.assigned");
        return ActionOutcome.Done;
    }

    public static Task<Guid?> NextOwnerAsync(TenantSession s, CancellationToken ct) =>
        s.QueryFirstAsync<Guid?>("""
            WITH pool AS (
              SELECT u.id FROM users u
              WHERE u.organization_id = $1 AND u.is_active AND u.deleted_at IS NULL AND u.role <> 'viewer'
                AND (u.department = 'sales' OR NOT EXISTS (
                  SELECT 1 FROM users x WHERE x.organization_id = $1 AND x.is_active AND x.deleted_at IS NULL AND x.role <> 'viewer' AND x.department = 'sales'))
            )
            SELECT p.id FROM pool p
            LEFT JOIN LATERAL (
              SELECT count(*) FILTER (WHERE l.qualification_status IN ('new', 'mql', 'sql', 'qualified')) AS open, max(l.updated_at) AS last
              FROM leads l WHERE l.organization_id = $1 AND l.assigned_to = p.id AND l.deleted_at IS NULL
            ) w ON true
            ORDER BY coalesce(w.open, 0), w.last NULLS FIRST, p.id
            LIMIT 1
            """, [s.OrganizationId], r => r.GetGuid(0), ct);
}
