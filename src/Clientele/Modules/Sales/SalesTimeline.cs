using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>
/// The history of a lead or a deal, newest first: its sales activities (scheduled, overdue and completed)
/// and its recorded changes (created, qualification or stage moves, conversion, owner) from the
/// audit trail. A lead's timeline includes the activities on its deals.
/// </summary>
public static class SalesTimeline
{
    /// <summary>Kind: activity (completed), scheduled, overdue (scheduled time passed, not completed) or change. ActivityId: the sales activity, for its Complete button.</summary>
    public sealed record Item(DateTime At, string Kind, string Title, string? Detail, string? Who, Guid? ActivityId = null);

    private const string Kind = "CASE WHEN sa.completed_at IS NOT NULL THEN 'activity' WHEN sa.scheduled_at < now() THEN 'overdue' ELSE 'scheduled' END";

    public static Task<List<Item>> ForLeadAsync(TenantSession s, Guid leadId, CancellationToken ct) => ReadAsync(s, $"""
        SELECT coalesce(sa.completed_at, sa.scheduled_at, sa.created_at), {Kind},
               initcap(replace(sa.activity_type, '_', ' ')) || coalesce(': ' || sa.subject, ''), coalesce(sa.outcome, sa.description), coalesce(u.name, u.email), sa.id
        FROM sales_activities sa LEFT JOIN users u ON u.organization_id = sa.organization_id AND u.id = sa.performed_by
        WHERE sa.organization_id = $1 AND sa.deleted_at IS NULL
          AND (sa.lead_id = $2 OR sa.deal_id IN (SELECT id FROM deals WHERE organization_id = $1 AND lead_id = $2))
        UNION ALL
        SELECT a."timestamp", 'change',
               CASE WHEN a.action = 'create' THEN 'Lead created'
                    WHEN a.changes->'after' ? 'qualification_status' THEN 'Qualification: ' || coalesce(a.changes->'before'->>'qualification_status', '?') || ' → ' || (a.changes->'after'->>'qualification_status')
                    WHEN a.changes->'after' ? 'assigned_to' THEN 'Owner changed'
                    ELSE 'Updated' END,
               CASE WHEN a.changes->'after'->'extra_metadata' ? 'disqualified_reason' AND a.changes->'after'->>'qualification_status' = 'disqualified'
                    THEN a.changes->'after'->'extra_metadata'->>'disqualified_reason' END,
               coalesce(u.name, u.email), NULL::uuid
        FROM audit_logs a LEFT JOIN users u ON u.organization_id = a.organization_id AND u.id = a.actor_id
        WHERE a.organization_id = $1 AND a.entity_type = 'leads' AND a.entity_id = $2
          AND (a.action = 'create' OR a.changes->'after' ?| ARRAY['qualification_status', 'assigned_to'])
        """, leadId, ct);

    public static Task<List<Item>> ForDealAsync(TenantSession s, Guid dealId, CancellationToken ct) => ReadAsync(s, $"""
        SELECT coalesce(sa.completed_at, sa.scheduled_at, sa.created_at), {Kind},
               initcap(replace(sa.activity_type, '_', ' ')) || coalesce(': ' || sa.subject, ''), coalesce(sa.outcome, sa.description), coalesce(u.name, u.email), sa.id
        FROM sales_activities sa LEFT JOIN users u ON u.organization_id = sa.organization_id AND u.id = sa.performed_by
        WHERE sa.organization_id = $1 AND sa.deleted_at IS NULL AND sa.deal_id = $2
        UNION ALL
        SELECT a."timestamp", 'change',
               CASE WHEN a.action = 'create' THEN 'Deal created in ' || coalesce(a.changes->'after'->>'stage', '?')
                    WHEN a.changes->'after' ? 'stage' THEN 'Stage: ' || coalesce(a.changes->'before'->>'stage', '?') || ' → ' || (a.changes->'after'->>'stage')
                    ELSE 'Updated' END,
               a.changes->'after'->>'lost_reason',
               coalesce(u.name, u.email), NULL::uuid
        FROM audit_logs a LEFT JOIN users u ON u.organization_id = a.organization_id AND u.id = a.actor_id
        WHERE a.organization_id = $1 AND a.entity_type = 'deals' AND a.entity_id = $2
          AND (a.action = 'create' OR a.changes->'after' ? 'stage')
        """, dealId, ct);

    private static Task<List<Item>> ReadAsync(TenantSession s, string union, Guid id, CancellationToken ct) =>
        s.ReadListAsync($"SELECT * FROM ({union}) t ORDER BY 1 DESC LIMIT 100", [s.OrganizationId, id],
            r => new Item(r.GetDateTime(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetGuid(5)), ct);
}
