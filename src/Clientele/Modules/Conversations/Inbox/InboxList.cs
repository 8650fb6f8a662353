using System.Globalization;
using System.Text;
using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Conversations.Inbox;

/// <summary>
/// The inbox list: filters (mine, unassigned, all open, escalated, closed; channel; agent; Hot
/// leads; search by customer name, email, phone or message text), newest activity first, keyset
/// paged on (activity, id) over idx_conversations_inbox so that page N costs what page 1 does.
/// "Unread" is the customer's messages since the last reply (what waits for an answer).
/// </summary>
public static class InboxList
{
    public const int PageSize = 50;
    public static readonly string[] Filters = ["mine", "unassigned", "all", "escalated", "closed"];

    public sealed record Query(string Filter, string? Channel, Guid? Agent, string? Lead, string? Search, string? After);

    public sealed record Row(Guid Id, string Name, string? Phone, string? Channel, string Status, bool IsActive, string? Assignee,
        bool AiActive, DateTime Activity, string? LastText, string? LastRole, long Unread, string? LeadTag);

    public sealed record Page(List<Row> Rows, string? NextCursor);

    public static async Task<Page> LoadAsync(TenantSession s, TenantContext tenant, Query q, CancellationToken ct)
    {
        var p = new List<NpgsqlParameter> { new() { Value = tenant.OrganizationId } };
        string Arg(object? value, NpgsqlDbType type)
        {
            p.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
            return "$" + p.Count.ToString(CultureInfo.InvariantCulture);
        }
        var where = new StringBuilder("c.organization_id = $1 AND c.deleted_at IS NULL");
        where.Append(q.Filter switch
        {
            "mine" => $" AND c.is_active AND c.assigned_to = {Arg(tenant.UserId, NpgsqlDbType.Uuid)}",
            "unassigned" => " AND c.is_active AND c.assigned_to IS NULL",
            "escalated" => " AND c.is_active AND c.status = 'escalated'",
            "closed" => " AND NOT c.is_active",
            _ => " AND c.is_active",
        });
        if (!string.IsNullOrEmpty(q.Channel)) where.Append($" AND c.channel = {Arg(q.Channel, NpgsqlDbType.Varchar)}");
        if (q.Agent is { } agent) where.Append($" AND c.agent_id = {Arg(agent, NpgsqlDbType.Uuid)}");
        if (q.Lead == "hot") where.Append(" AND e.lead_status_tag = 'Hot'");
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var like = Arg("%" + EscapeLike(q.Search.Trim()) + "%", NpgsqlDbType.Text);
            where.Append($"""
                 AND (cu.name ILIKE {like} OR cu.email ILIKE {like} OR c.customer_phone ILIKE {like}
                      OR EXISTS (SELECT 1 FROM messages sm WHERE sm.organization_id = c.organization_id AND sm.conversation_id = c.id AND sm.deleted_at IS NULL AND sm.content ILIKE {like}))
                """);
        }
        if (ParseCursor(q.After) is { } cursor)
            where.Append($" AND (coalesce(c.last_message_at, c.started_at), c.id) < ({Arg(cursor.At, NpgsqlDbType.TimestampTz)}, {Arg(cursor.Id, NpgsqlDbType.Uuid)})");

        var rows = new List<Row>();
        await using (var r = await s.ReadAsync($"""
            SELECT c.id, coalesce(nullif(cu.name, ''), c.customer_phone, cu.email, 'Unknown customer'), c.customer_phone, c.channel, c.status, c.is_active,
                   coalesce(u.name, u.email), c.agent_id IS NOT NULL AND c.assigned_to IS NULL AND c.status <> 'escalated' AND c.is_active,
                   coalesce(c.last_message_at, c.started_at), lm.content, lm.role,
                   (SELECT count(*) FROM messages um WHERE um.organization_id = c.organization_id AND um.conversation_id = c.id AND um.role = 'user'
                      AND um.deleted_at IS NULL AND um.sequence_no > coalesce((SELECT max(rm.sequence_no) FROM messages rm
                        WHERE rm.organization_id = c.organization_id AND rm.conversation_id = c.id AND rm.role = 'assistant'), -1)),
                   e.lead_status_tag
            FROM conversations c
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.assigned_to
            LEFT JOIN extractions e ON e.organization_id = c.organization_id AND e.conversation_id = c.id AND e.is_latest
            LEFT JOIN LATERAL (SELECT m.content, m.role FROM messages m WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id
                               AND m.deleted_at IS NULL ORDER BY m.sequence_no DESC LIMIT 1) lm ON true
            WHERE {where}
            ORDER BY coalesce(c.last_message_at, c.started_at) DESC, c.id DESC
            LIMIT {PageSize + 1}
            """, p, ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows.Add(new Row(r.GetGuid(0), r.GetString(1), S(r, 2), S(r, 3), r.GetString(4), r.GetBoolean(5), S(r, 6), r.GetBoolean(7),
                    DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc), S(r, 9), S(r, 10), r.GetInt64(11), S(r, 12)));
            }
        }
        string? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            var last = rows[^1];
            next = last.Activity.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) + "_" + last.Id.ToString("N");
        }
        return new Page(rows, next);
    }

    private static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static (DateTime At, Guid Id)? ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        var parts = cursor.Split('_');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[1], "N", out var id)
            || !DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)) return null;
        return (DateTime.SpecifyKind(at, DateTimeKind.Utc), id);
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
