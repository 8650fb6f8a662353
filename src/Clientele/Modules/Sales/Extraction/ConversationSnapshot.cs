using System.Globalization;
using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>A button or list reply (messages.extra_metadata.cta, set by the channel parsers).</summary>
public sealed record CtaClick(string? Kind, string? Id, string? Title);

/// <summary>One message of the conversation, oldest first; customer messages carry their click, if any.</summary>
public sealed record ConversationLine(Guid Id, string Role, string Text, DateTimeOffset At, CtaClick? Click);

/// <summary>The latest extraction before this one.</summary>
public sealed record PreviousExtraction(Guid Id, string? Tag, int MessageCount);

/// <summary>
/// What an extraction reads, loaded in one statement after locking the conversation row
/// (<see cref="ConversationLock"/>): every extraction, reply, message and booking of one conversation
/// runs one at a time, so two extractions can never both become the latest, and each counts every
/// message committed before it.
/// </summary>
public sealed record ConversationSnapshot(
    Guid ConversationId,
    string CustomerPhone,
    string Channel,
    Guid? CustomerId,
    Guid? AssignedTo,
    string Status,
    string? CustomerName,
    /// <summary>The customer's real address (null while it is the .invalid placeholder of a phone-only contact).</summary>
    string? CustomerEmail,
    string? AgentProvider,
    string? AgentModel,
    bool HandedToHuman,
    /// <summary>All customer messages, counted for message_count_at_extraction.</summary>
    int CustomerMessageCount,
    /// <summary>The last <see cref="MessageLimit"/> customer and agent messages, oldest first.</summary>
    IReadOnlyList<ConversationLine> Lines,
    PreviousExtraction? Latest,
    DateTimeOffset? DemoAt,
    string? DemoTimeZone)
{
    /// <summary>Longer conversations are read from their last messages (what the buyer says now counts).</summary>
    public const int MessageLimit = 200;

    public IReadOnlyList<ConversationLine> CustomerLines => Lines.Where(l => l.Role == "user").ToList();

    public static async Task<ConversationSnapshot?> LoadAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        if (!await ConversationLock.LockAsync(s, conversationId, ct)) return null;
        await using var r = await s.ReaderAsync($"""
            SELECT c.customer_phone, coalesce(c.channel, 'api'), c.customer_id, c.assigned_to, c.status, cu.name, cu.email, a.provider, a.model,
                   EXISTS (SELECT 1 FROM agent_handoffs h WHERE h.organization_id = c.organization_id AND h.conversation_id = c.id
                             AND h.to_agent = 'human' AND h.deleted_at IS NULL),
                   (SELECT count(*)::int FROM messages u WHERE u.organization_id = c.organization_id AND u.conversation_id = c.id
                      AND u.role = 'user' AND u.deleted_at IS NULL),
                   (SELECT coalesce(json_agg(json_build_array(x.id, x.role, x.content, x."timestamp", x.cta) ORDER BY x.sequence_no), '[]')::text FROM (
                      SELECT m.id, m.role, m.content, m."timestamp", m.extra_metadata->'cta' AS cta, m.sequence_no FROM messages m
                      WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND m.role IN ('user', 'assistant') AND m.deleted_at IS NULL
                      ORDER BY m.sequence_no DESC LIMIT {MessageLimit}) x),
                   e.id, e.lead_status_tag, e.message_count_at_extraction,
                   mt.scheduled_at, mt.timezone
            FROM conversations c
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            LEFT JOIN agents a ON a.organization_id = c.organization_id AND a.id = c.agent_id
            LEFT JOIN extractions e ON e.organization_id = c.organization_id AND e.conversation_id = c.id AND e.is_latest
            LEFT JOIN LATERAL (SELECT m.scheduled_at, m.timezone FROM meetings m
                               WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND m.status = 'scheduled'
                               ORDER BY m.created_at DESC LIMIT 1) mt ON true
            WHERE c.organization_id = $1 AND c.id = $2
            """,
            [s.OrganizationId, conversationId], ct);
        if (!await r.ReadAsync(ct)) return null;

        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var email = Text(6);
        var lines = new List<ConversationLine>();
        foreach (var row in JsonDocument.Parse(r.GetString(11)).RootElement.EnumerateArray())
        {
            var cta = row[4];
            var click = cta.ValueKind == JsonValueKind.Object ? new CtaClick(Str(cta, "kind"), Str(cta, "id"), Str(cta, "title")) : null;
            lines.Add(new ConversationLine(row[0].GetGuid(), row[1].GetString()!, row[2].GetString() ?? "",
                DateTimeOffset.Parse(row[3].GetString()!, CultureInfo.InvariantCulture).ToUniversalTime(), click));
        }
        var latest = r.IsDBNull(12) ? null : new PreviousExtraction(r.GetGuid(12), Text(13), r.GetInt32(14));
        return new ConversationSnapshot(conversationId, Text(0) ?? "", r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3),
            r.GetString(4), Text(5), email is not null && email.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) ? null : email,
            Text(7), Text(8), r.GetBoolean(9), r.GetInt32(10), lines, latest,
            r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15), Text(16));
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
