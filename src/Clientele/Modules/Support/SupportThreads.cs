using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Support;

/// <summary>
/// A support ticket and its conversation as read by both sides, in a session of the ticket's
/// organization: the tenant's own (internal notes hidden by RLS) or a staff session (they show).
/// Staff replies are signed "Clientele support" with the staff member's name.
/// </summary>
public static class SupportThreads
{
    public static readonly string[] Priorities = ["low", "medium", "high", "urgent"];
    public static readonly string[] Statuses = ["open", "in_progress", "waiting_on_customer", "resolved", "closed"];
    public const int MaxComment = 20_000;

    public sealed record Ticket(Guid Id, Guid OrganizationId, string OrganizationName, string Subject, string Description, string Priority,
        string Status, Guid? AssignedTo, string? AssignedName, DateTime CreatedAt, DateTime? ResolvedAt, Guid? UserId, string? OpenedBy,
        string? OpenedByEmail, long Replies);

    public sealed record Comment(Guid Id, string AuthorType, string AuthorName, string Text, bool IsInternal, DateTime CreatedAt)
    {
        public bool FromStaff => AuthorType == "admin";

        public JsonObject ToJson() => new()
        {
            ["id"] = Id.ToString(), ["object"] = "support_ticket_comment", ["author_type"] = AuthorType, ["author_name"] = AuthorName,
            ["comment"] = Text, ["is_internal"] = IsInternal, ["created_at"] = CreatedAt.ToString("O"),
        };
    }

    private const string TicketSql = """
        SELECT t.id, t.organization_id, o.name, t.subject, t.description, t.priority, t.status, t.assigned_to, a.full_name,
               t.created_at, t.resolved_at, t.user_id, coalesce(u.name, u.email), u.email,
               (SELECT count(*) FROM support_ticket_comments c WHERE c.organization_id = t.organization_id AND c.ticket_id = t.id AND c.author_type = 'admin' AND NOT c.is_internal)
        FROM support_tickets t
        JOIN organizations o ON o.id = t.organization_id
        LEFT JOIN users u ON u.organization_id = t.organization_id AND u.id = t.user_id
        LEFT JOIN admin_users a ON a.id = t.assigned_to
        WHERE t.organization_id = $1
        """;

    public static Task<Ticket?> TicketAsync(TenantSession s, Guid id, CancellationToken ct) =>
        s.QueryFirstAsync(TicketSql + " AND t.id = $2", [s.OrganizationId, id], MapTicket, ct);

    /// <summary>The organization's tickets, unresolved first, newest first.</summary>
    public static Task<List<Ticket>> ListAsync(TenantSession s, CancellationToken ct) =>
        s.QueryAsync(TicketSql + " ORDER BY t.resolved_at IS NOT NULL, t.created_at DESC, t.id DESC LIMIT 200", [s.OrganizationId], MapTicket, ct);

    public static Task<List<Comment>> CommentsAsync(TenantSession s, Guid ticketId, CancellationToken ct) =>
        s.QueryAsync("""
            SELECT c.id, c.author_type,
                   CASE c.author_type WHEN 'admin' THEN 'Clientele support · ' || coalesce(a.full_name, 'staff')
                                      WHEN 'user' THEN coalesce(u.name, u.email, 'A former member') ELSE 'Clientele' END,
                   c.comment, c.is_internal, c.created_at
            FROM support_ticket_comments c
            LEFT JOIN users u ON c.author_type = 'user' AND u.organization_id = c.organization_id AND u.id = c.author_id
            LEFT JOIN admin_users a ON c.author_type = 'admin' AND a.id = c.author_id
            WHERE c.organization_id = $1 AND c.ticket_id = $2
            ORDER BY c.created_at, c.id
            """, [s.OrganizationId, ticketId],
            r => new Comment(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetDateTime(5)), ct);

    private static Ticket MapTicket(Npgsql.NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetDateTime(9), r.IsDBNull(10) ? null : r.GetDateTime(10),
        r.IsDBNull(11) ? null : r.GetGuid(11), r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.GetInt64(14));

    /// <summary>The comment's own rule, shared by both sides: required, at most MaxComment characters.</summary>
    public static string? CommentError(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "Write something." : text.Length > MaxComment ? $"Keep it under {MaxComment:N0} characters." : null;
}
