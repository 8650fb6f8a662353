using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Approvals;

/// <summary>An action an AI agent proposed, as the queue shows it: what, for whom, by which agent, on what evidence, and its decision.</summary>
public sealed record QueuedApproval(
    Guid Id, string Action, string? Details, string Status, string? AgentId, DateTime CreatedAt, Guid? CustomerId, string? CustomerName,
    string? RequestedBy, JsonObject? Proposal, string? Evidence, string? Question, DateTime? ExpiresAt, string? ResolvedBy, DateTime? ResolvedAt, string? Comment)
{
    public bool IsPending => Status == "pending";
}

/// <summary>
/// The one queue of actions proposed by AI and decided by people (approvals). Pending first
/// (oldest first: they wait longest), or the decided ones newest first. The evidence is the
/// copilot answer that made the proposal (agent_messages) and the CSM's question before it.
/// </summary>
public static class ApprovalQueue
{
    public const int PageSize = 50;

    private const string Select = """
        SELECT a.id, a.action, a.details, a.status, a.agent_id, a.created_at, cu.id, coalesce(cu.company_name, cu.name, cu.email),
               req.name, a.metadata->'proposal', am.content,
               (SELECT q.content FROM agent_messages q WHERE q.organization_id = a.organization_id AND q.session_id = am.session_id AND q.role = 'user'
                  AND q.created_at <= am.created_at ORDER BY q.created_at DESC, q.id DESC LIMIT 1),
               CASE WHEN a.metadata->>'expires_at' ~ '^\d{4}-' THEN (a.metadata->>'expires_at')::timestamptz END,
               dec.name, a.resolved_at, a.comment
        FROM approvals a
        LEFT JOIN agent_sessions ses ON ses.organization_id = a.organization_id AND ses.id = a.session_id
        LEFT JOIN customers cu ON cu.organization_id = a.organization_id AND cu.deleted_at IS NULL
             AND cu.id = coalesce(ses.customer_id, CASE WHEN a.metadata->>'customer_id' ~ '^[0-9a-f-]{36}$' THEN (a.metadata->>'customer_id')::uuid END)
        LEFT JOIN users req ON req.organization_id = a.organization_id AND req.id = ses.user_id
        LEFT JOIN users dec ON dec.organization_id = a.organization_id AND dec.id = a.resolved_by
        LEFT JOIN agent_messages am ON am.organization_id = a.organization_id
             AND am.id = CASE WHEN a.metadata->>'agent_message_id' ~ '^[0-9a-f-]{36}$' THEN (a.metadata->>'agent_message_id')::uuid END
        WHERE a.organization_id = $1
        """;

    public static async Task<IReadOnlyList<QueuedApproval>> ListAsync(TenantSession s, bool pending, int limit, CancellationToken ct)
    {
        var sql = Select + (pending
            ? " AND a.status = 'pending' ORDER BY a.created_at, a.id"
            : " AND a.status <> 'pending' ORDER BY coalesce(a.resolved_at, a.created_at) DESC, a.id DESC") + $" LIMIT {limit}";
        var list = new List<QueuedApproval>();
        await using var r = await s.ReadAsync(sql, [new NpgsqlParameter { Value = s.OrganizationId }], ct);
        while (await r.ReadAsync(ct)) list.Add(Map(r));
        return list;
    }

    public static async Task<QueuedApproval?> FindAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        await using var r = await s.ReadAsync(Select + " AND a.id = $2", [new NpgsqlParameter { Value = s.OrganizationId }, new NpgsqlParameter { Value = id }], ct);
        return await r.ReadAsync(ct) ? Map(r) : null;
    }

    public static async Task<long> PendingCountAsync(TenantSession s, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("SELECT count(*) FROM approvals WHERE organization_id = $1 AND status = 'pending'",
            [new NpgsqlParameter { Value = s.OrganizationId }], ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0);
    }

    private static QueuedApproval Map(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTime? T(int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
        return new QueuedApproval(r.GetGuid(0), r.GetString(1), S(2), r.GetString(3), S(4), DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc),
            r.IsDBNull(6) ? null : r.GetGuid(6), S(7), S(8), S(9) is { } p ? JsonNode.Parse(p) as JsonObject : null, S(10), S(11), T(12), S(13), T(14), S(15));
    }
}
