using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting.Outreach;

/// <summary>A prospect an event targets, and the invitation drafted for it, if any.</summary>
public sealed record EventProspect(Guid ProspectId, string FullName, string Email, string? JobTitle, string Company, string Industry, string Status,
    Guid? ResearchId, Guid? InvitationId, string? InvitationStatus)
{
    public JsonObject ToJson() => new()
    {
        ["prospect_id"] = ProspectId.ToString(), ["full_name"] = FullName, ["email"] = Email, ["job_title"] = JobTitle, ["company"] = Company,
        ["industry"] = Industry, ["status"] = Status, ["research_id"] = ResearchId?.ToString(), ["invitation_draft_id"] = InvitationId?.ToString(),
        ["invitation_status"] = InvitationStatus,
    };
}

/// <summary>
/// GET /events/{id}/prospects: active prospects whose company's industry is one of the event's
/// target_industries (by name, any case) and, when the event names target_roles, whose job title
/// contains one of them or is contained in one ("VP Operations" matches "Operations"). An event
/// without target industries matches no one rather than everyone.
/// </summary>
public static class EventProspects
{
    public const int Limit = 500;

    public static Task<List<EventProspect>> ListAsync(TenantSession s, Guid eventId, CancellationToken ct) => s.QueryAsync($"""
        SELECT p.id, p.full_name, p.email, p.job_title, c.name, i.name, p.status,
               (SELECT r.id FROM prospect_research r WHERE r.organization_id = p.organization_id AND r.prospect_id = p.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
               d.id, d.status
        FROM events e
        JOIN prospects p ON p.organization_id = e.organization_id AND p.is_active
        JOIN companies c ON c.organization_id = p.organization_id AND c.id = p.company_id
        JOIN industries i ON i.organization_id = c.organization_id AND i.id = c.industry_id
        LEFT JOIN LATERAL (SELECT x.id, x.status FROM outreach_drafts x
                           WHERE x.organization_id = p.organization_id AND x.prospect_id = p.id AND x.event_id = e.id AND x.draft_type = 'event_invitation'
                             AND x.status NOT IN ('archived', 'rejected')
                           ORDER BY x.created_at DESC, x.id DESC LIMIT 1) d ON true
        WHERE e.organization_id = $1 AND e.id = $2
          AND jsonb_typeof(e.target_industries) = 'array'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.target_industries) t WHERE lower(t) = lower(i.name))
          AND (jsonb_typeof(e.target_roles) IS DISTINCT FROM 'array' OR jsonb_array_length(e.target_roles) = 0
               OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.target_roles) role
                          WHERE p.job_title IS NOT NULL AND length(trim(role)) > 0
                            AND (position(lower(trim(role)) IN lower(p.job_title)) > 0 OR position(lower(p.job_title) IN lower(role)) > 0)))
        ORDER BY c.name, p.full_name, p.id
        LIMIT {Limit}
        """, [s.OrganizationId, eventId], r => new EventProspect(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
            r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.IsDBNull(9) ? null : r.GetString(9)), ct);
}
