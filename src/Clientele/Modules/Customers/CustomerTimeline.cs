using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Customers;

/// <summary>One thing that happened to a customer. Kind names its source; Ref is the row a link opens (a conversation).</summary>
public sealed record TimelineItem(DateTime At, string Kind, Guid Id, string Title, string? Detail, Guid? Ref);

public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, KeysetCursor? Next);

/// <summary>
/// The customer's timeline, newest first: conversations, messages, notes, meetings, invoices,
/// payments, health events, risk signals, sales activities (of the customer's deals and leads)
/// and the audit entries of the customer record. Each source is read newest first with the same
/// keyset bound and limit, and the union keeps the newest: a page costs the same at any depth.
/// </summary>
public static class CustomerTimeline
{
    public const int PageSize = 30;

    public static readonly IReadOnlyList<string> Kinds =
        ["conversation", "message", "note", "meeting", "invoice", "payment", "health_event", "risk_signal", "sales_activity", "audit"];

    // Each source: SELECT at, kind, id, title, detail, ref FROM ... WHERE <customer> (the keyset bound and limit are added).
    private static readonly (string At, string Id, string Sql)[] Sources =
    [
        ("cv.started_at", "cv.id", """
            SELECT cv.started_at, 'conversation', cv.id, initcap(replace(cv.channel, '_', ' ')) || ' conversation (' || cv.status || ')', cv.primary_intent, cv.id
            FROM conversations cv WHERE cv.organization_id = $1 AND cv.customer_id = $2 AND cv.deleted_at IS NULL
            """),
        ("m.created_at", "m.id", """
            SELECT m.created_at, 'message', m.id,
                   CASE m.role WHEN 'user' THEN 'Customer wrote' WHEN 'assistant' THEN coalesce(m.agent_name, 'Agent') || ' replied' ELSE 'System note' END,
                   left(m.content, 280), m.conversation_id
            FROM messages m JOIN conversations cv ON cv.organization_id = m.organization_id AND cv.id = m.conversation_id
            WHERE cv.organization_id = $1 AND cv.customer_id = $2 AND cv.deleted_at IS NULL AND m.deleted_at IS NULL
            """),
        ("n.created_at", "n.id", """
            SELECT n.created_at, 'note', n.id, initcap(n.note_type) || ' note' || coalesce(' by ' || u.name, ''), left(n.content, 500), NULL::uuid
            FROM customer_notes n LEFT JOIN users u ON u.organization_id = n.organization_id AND u.id = n.author_id
            WHERE n.organization_id = $1 AND n.customer_id = $2 AND n.deleted_at IS NULL
            """),
        ("mt.scheduled_at", "mt.id", """
            SELECT mt.scheduled_at, 'meeting', mt.id, 'Meeting: ' || mt.title, mt.status || ', ' || mt.duration_minutes || ' min', NULL::uuid
            FROM meetings mt WHERE mt.organization_id = $1 AND mt.customer_id = $2
            """),
        ("coalesce(i.issued_at, i.created_at)", "i.id", """
            SELECT coalesce(i.issued_at, i.created_at), 'invoice', i.id,
                   'Invoice ' || coalesce(i.invoice_number || ' ', '') || to_char(i.amount, 'FM999,999,990.00') || ' ' || i.currency, i.status, NULL::uuid
            FROM invoices i WHERE i.organization_id = $1 AND i.customer_id = $2 AND i.deleted_at IS NULL
            """),
        ("coalesce(pay.processed_at, pay.created_at)", "pay.id", """
            SELECT coalesce(pay.processed_at, pay.created_at), 'payment', pay.id, 'Payment ' || to_char(pay.amount, 'FM999,999,990.00') || ' ' || pay.currency,
                   pay.status || coalesce(' (' || pay.payment_method || ')', '') || coalesce(': ' || pay.failed_reason, ''), NULL::uuid
            FROM payments pay WHERE pay.organization_id = $1 AND pay.customer_id = $2 AND pay.deleted_at IS NULL
            """),
        ("he.created_at", "he.id", """
            SELECT he.created_at, 'health_event', he.id,
                   initcap(replace(he.event_type, '_', ' ')) || coalesce(': ' || he.old_value::text || ' → ' || he.new_value::text, '') || ' (' || he.severity || ')',
                   he.reason, NULL::uuid
            FROM customer_health_events he WHERE he.organization_id = $1 AND he.customer_id = $2 AND he.deleted_at IS NULL
            """),
        ("rs.detected_at", "rs.id", """
            SELECT rs.detected_at, 'risk_signal', rs.id, 'Risk: ' || replace(rs.signal_type, '_', ' ') || ' (' || rs.severity || ')' || CASE WHEN rs.resolved_at IS NULL THEN '' ELSE ', resolved' END,
                   rs.description, NULL::uuid
            FROM risk_signals rs WHERE rs.organization_id = $1 AND rs.customer_id = $2
            """),
        ("coalesce(sa.completed_at, sa.scheduled_at, sa.created_at)", "sa.id", """
            SELECT coalesce(sa.completed_at, sa.scheduled_at, sa.created_at), 'sales_activity', sa.id,
                   initcap(replace(sa.activity_type, '_', ' ')) || coalesce(': ' || sa.subject, '')
                   || CASE WHEN sa.completed_at IS NOT NULL THEN '' WHEN sa.scheduled_at < now() THEN ' (overdue)' ELSE ' (scheduled)' END,
                   coalesce(sa.outcome || ': ', '') || coalesce(sa.description, ''), NULL::uuid
            FROM sales_activities sa
            WHERE sa.organization_id = $1 AND sa.deleted_at IS NULL AND (
                  sa.deal_id IN (SELECT d.id FROM deals d WHERE d.organization_id = $1 AND d.customer_id = $2)
               OR sa.lead_id IN (SELECT l.id FROM leads l WHERE l.organization_id = $1 AND (l.customer_id = $2 OR l.converted_to_customer_id = $2)))
            """),
        ("al.\"timestamp\"", "al.id", """
            SELECT al."timestamp", 'audit', al.id, 'Record ' || CASE al.action WHEN 'create' THEN 'created' WHEN 'update' THEN 'updated' WHEN 'delete' THEN 'deleted' ELSE al.action END
                   || ' by ' || coalesce(u.name, al.actor_type),
                   CASE WHEN al.action = 'update' AND jsonb_typeof(al.changes->'after') = 'object'
                        THEN 'Changed: ' || (SELECT string_agg(replace(k, '_', ' '), ', ' ORDER BY k) FROM jsonb_object_keys(al.changes->'after') k) END, NULL::uuid
            FROM audit_logs al LEFT JOIN users u ON u.organization_id = al.organization_id AND u.id = al.actor_id
            WHERE al.organization_id = $1 AND al.entity_type = 'customers' AND al.entity_id = $2
            """),
    ];

    public static async Task<TimelinePage> ReadAsync(TenantSession s, Guid customerId, KeysetCursor? before, int limit, CancellationToken ct)
    {
        var ps = new List<NpgsqlParameter> { new() { Value = s.OrganizationId }, new() { Value = customerId } };
        DateTime? beforeAt = null;
        if (before is not null && DateTime.TryParse(before.Value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            beforeAt = at;
            ps.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(at, DateTimeKind.Utc) });
            ps.Add(new NpgsqlParameter { Value = before.Id });
        }
        var branches = Sources.Select(src =>
        {
            var bound = beforeAt is null ? "" : $" AND ({src.At}, {src.Id}) < ($3, $4)";
            return $"({src.Sql.TrimEnd()}{bound} ORDER BY {src.At} DESC, {src.Id} DESC LIMIT {limit + 1})";
        });
        var sql = string.Join("\nUNION ALL\n", branches) + $"\nORDER BY 1 DESC, 3 DESC LIMIT {limit + 1}";
        var items = new List<TimelineItem>();
        var more = false;
        await using (var r = await s.ReadAsync(sql, ps, ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (items.Count == limit) { more = true; break; }
                items.Add(new TimelineItem(DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetString(1), r.GetGuid(2), r.IsDBNull(3) ? "" : r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetGuid(5)));
            }
        }
        var next = more ? new KeysetCursor(items[^1].At.ToString("O"), items[^1].Id) : null;
        return new TimelinePage(items, next);
    }
}
