using System.Text.Json;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Conversations.Inbox;

/// <summary>
/// One conversation for the inbox: its state (who handles it, whether the AI is active), the
/// thread (messages with delivery status, private notes and agent handoffs in time order) and the
/// customer sidebar (facts, latest lead extraction with its quotes, tags, previous conversations).
/// </summary>
public static class InboxThread
{
    public const int MaxItems = 200;

    public sealed record Head(Guid Id, string Name, string? Phone, string? Channel, string? ChannelName, string Status, bool IsActive,
        Guid? AssignedTo, string? Assignee, Guid? AgentId, string? AgentName, string? Intent, decimal? IntentConfidence, string? Emotion,
        double? Sentiment, Guid? CustomerId, DateTime StartedAt)
    {
        public bool AiActive => IsActive && AgentId is not null && AssignedTo is null && Status != "escalated";
    }

    /// <summary>A message, a note or a handoff. Kind: message | note | handoff.</summary>
    public sealed record Item(string Kind, DateTime At, int Sequence, string Role, string Text, string? AgentName, string? Intent, double? Sentiment,
        string? Delivery, string? Error, string? Author, string? From, string? To);

    public sealed record Customer(string? Name, string? Email, string? Company, string? Plan, decimal? Mrr, int? Health, decimal? ChurnRisk);
    public sealed record Lead(int? Score, string? Tag, string? Why, DateTime At, List<(string Score, string Level, string Why, List<string> Quotes)> Reasons);
    public sealed record Previous(Guid Id, string? Channel, DateTime StartedAt, string Status, bool IsActive);

    public sealed record Thread(Head Head, List<Item> Items, bool Truncated, Customer? Customer, Lead? Lead, List<string> Tags, List<Previous> Previous);

    private static NpgsqlParameter P(object? v) => new() { Value = v ?? DBNull.Value };
    private static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTime T(NpgsqlDataReader r, int i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);

    public static async Task<Head?> HeadAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("""
            SELECT c.id, coalesce(nullif(cu.name, ''), c.customer_phone, cu.email, 'Unknown customer'), c.customer_phone, c.channel, pn.display_name, c.status, c.is_active,
                   c.assigned_to, coalesce(u.name, u.email), c.agent_id, a.name, c.primary_intent, c.intent_confidence, c.emotion, c.sentiment_avg, c.customer_id, c.started_at
            FROM conversations c
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.assigned_to
            LEFT JOIN agents a ON a.organization_id = c.organization_id AND a.id = c.agent_id
            LEFT JOIN phone_numbers pn ON pn.organization_id = c.organization_id AND pn.id = c.phone_number_id
            WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL
            """, [P(s.OrganizationId), P(id)], ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Head(r.GetGuid(0), r.GetString(1), S(r, 2), S(r, 3), S(r, 4), r.GetString(5), r.GetBoolean(6),
            r.IsDBNull(7) ? null : r.GetGuid(7), S(r, 8), r.IsDBNull(9) ? null : r.GetGuid(9), S(r, 10), S(r, 11),
            r.IsDBNull(12) ? null : r.GetDecimal(12), S(r, 13), r.IsDBNull(14) ? null : r.GetDouble(14), r.IsDBNull(15) ? null : r.GetGuid(15), T(r, 16));
    }

    /// <summary>The latest MaxItems messages, with the notes and handoffs of the same period, oldest first.</summary>
    public static async Task<(List<Item> Items, bool Truncated)> ItemsAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var items = new List<Item>();
        await using (var r = await s.ReadAsync($"""
            SELECT * FROM (
              SELECT m."timestamp", m.sequence_no, m.role, m.content, m.agent_name, m.intent, m.sentiment, coalesce(d.status, m.status), d.error_message
              FROM messages m LEFT JOIN message_delivery_status d ON d.organization_id = m.organization_id AND d.message_id = m.id
              WHERE m.organization_id = $1 AND m.conversation_id = $2 AND m.deleted_at IS NULL
              ORDER BY m.sequence_no DESC LIMIT {MaxItems + 1}) x
            ORDER BY sequence_no
            """, [P(s.OrganizationId), P(id)], ct))
        {
            while (await r.ReadAsync(ct))
                items.Add(new Item("message", T(r, 0), r.GetInt32(1), r.GetString(2), r.GetString(3), S(r, 4), S(r, 5), r.IsDBNull(6) ? null : r.GetDouble(6), S(r, 7), S(r, 8), null, null, null));
        }
        var truncated = items.Count > MaxItems;
        if (truncated) items.RemoveAt(0);
        var since = items.Count > 0 && truncated ? items[0].At : DateTime.MinValue;
        await using (var r = await s.ReadAsync("""
            SELECT n.created_at, n.content, coalesce(u.name, u.email, 'A teammate') FROM conversation_notes n
            LEFT JOIN users u ON u.organization_id = n.organization_id AND u.id = n.author_id
            WHERE n.organization_id = $1 AND n.conversation_id = $2 AND n.deleted_at IS NULL AND n.created_at >= $3
            ORDER BY n.created_at LIMIT 200
            """, [P(s.OrganizationId), P(id), new NpgsqlParameter { Value = DateTime.SpecifyKind(since, DateTimeKind.Utc) }], ct))
        {
            while (await r.ReadAsync(ct)) items.Add(new Item("note", T(r, 0), int.MaxValue, "note", r.GetString(1), null, null, null, null, null, r.GetString(2), null, null));
        }
        await using (var r = await s.ReadAsync("""
            SELECT "timestamp", from_agent, to_agent, coalesce(handoff_reason, '') FROM agent_handoffs
            WHERE organization_id = $1 AND conversation_id = $2 AND deleted_at IS NULL AND "timestamp" >= $3
            ORDER BY "timestamp" LIMIT 100
            """, [P(s.OrganizationId), P(id), new NpgsqlParameter { Value = DateTime.SpecifyKind(since, DateTimeKind.Utc) }], ct))
        {
            while (await r.ReadAsync(ct)) items.Add(new Item("handoff", T(r, 0), int.MaxValue, "handoff", r.GetString(3), null, null, null, null, null, null, r.GetString(1), r.GetString(2)));
        }
        // Messages keep their sequence; notes and handoffs fall between them by time.
        var ordered = items.OrderBy(x => x.At).ThenBy(x => x.Sequence).ToList();
        return (ordered, truncated);
    }

    public static async Task<Thread?> LoadAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var head = await HeadAsync(s, id, ct);
        if (head is null) return null;
        var (items, truncated) = await ItemsAsync(s, id, ct);
        Customer? customer = null;
        var previous = new List<Previous>();
        if (head.CustomerId is { } cid)
        {
            await using (var r = await s.ReadAsync("SELECT name, email, company_name, plan, mrr, health_score, churn_risk FROM customers WHERE organization_id = $1 AND id = $2",
                [P(s.OrganizationId), P(cid)], ct))
            {
                if (await r.ReadAsync(ct))
                    customer = new Customer(S(r, 0), S(r, 1), S(r, 2), S(r, 3), r.IsDBNull(4) ? null : r.GetDecimal(4), r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetDecimal(6));
            }
            await using (var r = await s.ReadAsync("""
                SELECT id, channel, started_at, status, is_active FROM conversations
                WHERE organization_id = $1 AND customer_id = $2 AND id <> $3 AND deleted_at IS NULL ORDER BY started_at DESC LIMIT 5
                """, [P(s.OrganizationId), P(cid), P(id)], ct))
            {
                while (await r.ReadAsync(ct)) previous.Add(new Previous(r.GetGuid(0), S(r, 1), T(r, 2), r.GetString(3), r.GetBoolean(4)));
            }
        }
        Lead? lead = null;
        await using (var r = await s.ReadAsync("""
            SELECT total_score, lead_status_tag, reasoning::text, extracted_at FROM extractions WHERE organization_id = $1 AND conversation_id = $2 AND is_latest
            """, [P(s.OrganizationId), P(id)], ct))
        {
            if (await r.ReadAsync(ct)) lead = ReadLead(r.IsDBNull(0) ? null : r.GetInt32(0), S(r, 1), S(r, 2), T(r, 3));
        }
        var tags = new List<string>();
        await using (var r = await s.ReadAsync("SELECT tag FROM conversation_tags WHERE organization_id = $1 AND conversation_id = $2 AND deleted_at IS NULL ORDER BY tag LIMIT 50",
            [P(s.OrganizationId), P(id)], ct))
        {
            while (await r.ReadAsync(ct)) tags.Add(r.GetString(0));
        }
        return new Thread(head, items, truncated, customer, lead, tags, previous);
    }

    private static Lead ReadLead(int? score, string? tag, string? reasoning, DateTime at)
    {
        var reasons = new List<(string, string, string, List<string>)>();
        string? why = null;
        if (reasoning is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(reasoning);
                var root = doc.RootElement;
                if (root.TryGetProperty("status_why", out var w) && w.ValueKind == JsonValueKind.String) why = w.GetString();
                if (root.TryGetProperty("scores", out var scores) && scores.ValueKind == JsonValueKind.Object)
                {
                    foreach (var sc in scores.EnumerateObject())
                    {
                        if (sc.Value.ValueKind != JsonValueKind.Object) continue;
                        var level = sc.Value.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";
                        var text = sc.Value.TryGetProperty("why", out var y) && y.ValueKind == JsonValueKind.String ? y.GetString()! : "";
                        var quotes = sc.Value.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Array
                            ? ev.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Take(3).ToList() : [];
                        reasons.Add((sc.Name, level, text, quotes));
                    }
                }
            }
            catch (JsonException) { /* reasoning written by an older version: show the score alone */ }
        }
        return new Lead(score, tag, why, at, reasons);
    }

    public static async Task<List<(Guid Id, string Name)>> TeamAsync(TenantSession s, CancellationToken ct)
    {
        var team = new List<(Guid, string)>();
        await using var r = await s.ReadAsync("""
            SELECT id, coalesce(nullif(name, ''), email) FROM users WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND role <> 'viewer'
            ORDER BY 2 LIMIT 200
            """, [P(s.OrganizationId)], ct);
        while (await r.ReadAsync(ct)) team.Add((r.GetGuid(0), r.GetString(1)));
        return team;
    }

    public static async Task<List<(Guid Id, string Name)>> AgentsAsync(TenantSession s, CancellationToken ct)
    {
        var agents = new List<(Guid, string)>();
        await using var r = await s.ReadAsync("SELECT id, name FROM agents WHERE organization_id = $1 ORDER BY name LIMIT 100", [P(s.OrganizationId)], ct);
        while (await r.ReadAsync(ct)) agents.Add((r.GetGuid(0), r.GetString(1)));
        return agents;
    }
}
