using System.Text.Json.Nodes;
using Clientele.Modules.Channels.Jobs;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Conversations;

/// <summary>
/// What an operator does to a conversation, for the API (ConversationsApi) and the console inbox
/// alike: write as a human on the channel, add a private note, close, reopen, assign, take over
/// from the AI and give it back. Each runs in one transaction with the conversation row locked,
/// checks the role first and writes an audit entry.
/// </summary>
public sealed class ConversationActions(TenantSessions sessions, ResourceRegistry registry, ResourceStore store, Outbox outbox)
{
    private async Task<(TenantSession Session, Guid Id, JsonObject Before)> OpenAsync(TenantContext tenant, string id, CancellationToken ct)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No conversation with id {id}.");
        var s = sessions.Open(tenant);
        await s.BeginAsync(ct);
        await using (var lockRow = await s.CommandAsync("SELECT 1 FROM conversations WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE", ct))
        {
            lockRow.Parameters.AddWithValue(tenant.OrganizationId);
            lockRow.Parameters.AddWithValue(guid);
            if (await lockRow.ExecuteScalarAsync(ct) is null)
            {
                await s.DisposeAsync();
                throw ProblemException.NotFound($"No conversation with id {id}.");
            }
        }
        var before = await store.GetAsync(s, registry.Find("conversations")!, guid, [], false, ct);
        return (s, guid, JsonNode.Parse(before.Json)!.AsObject());
    }

    private async Task<ResourceResult> FinishAsync(TenantSession s, Guid id, JsonObject before, CancellationToken ct)
    {
        var after = await store.GetAsync(s, registry.Find("conversations")!, id, [], false, ct);
        var diff = AuditWriter.Diff(before, JsonNode.Parse(after.Json)!.AsObject());
        await AuditWriter.WriteAsync(s, "conversations", id, "update", diff, ct);
        if (diff["before"]!.AsObject().Count > 0)
            await DomainEvents.PublishChangeAsync(s, "conversations", "updated", id, JsonNode.Parse(after.Json)!.AsObject(), diff["before"]!.AsObject().DeepClone().AsObject(), ct);
        await s.CommitAsync(ct);
        return after;
    }

    /// <summary>Sends a message as a human operator through the conversation's channel (outbox); returns the message.</summary>
    public async Task<ResourceResult> SendAsync(TenantContext tenant, string id, string? content, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(content) || content.Length > 4096) throw ProblemException.Validation("content", "is required (1 to 4096 characters)");
        var (s, guid, before) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            if (before["is_active"]?.GetValue<bool>() != true) throw ProblemException.Conflict("The conversation is closed; reopen it first.");
            if (before["phone_number_id"] is null) throw ProblemException.Conflict("The conversation has no channel to send on.");
            var messageId = await AgentReplyJob.AppendOutboundAsync(s, guid, content.Trim(), "human", null, null, null,
                new JsonObject { ["sent_by_user"] = tenant.UserId?.ToString(), ["human"] = true }, tenant.ActorId, ct);
            await outbox.EnqueueAsync(s, MessageSendJob.TopicName, new { message_id = messageId }, ct);
            var message = await store.GetAsync(s, registry.Find("messages")!, messageId, [], false, ct);
            await AuditWriter.WriteAsync(s, "messages", messageId, "create", new JsonObject { ["after"] = JsonNode.Parse(message.Json) }, ct);
            await s.CommitAsync(ct);
            return message;
        }
    }

    /// <summary>A private note for the team: stored apart from the messages, so nothing sends it or feeds it to the AI.</summary>
    public async Task<Guid> AddNoteAsync(TenantContext tenant, string id, string? content, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(content) || content.Length > 4096) throw ProblemException.Validation("content", "is required (1 to 4096 characters)");
        var (s, guid, _) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            var noteId = Guid.CreateVersion7();
            await using (var cmd = await s.CommandAsync("""
                INSERT INTO conversation_notes (id, organization_id, conversation_id, author_id, content, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6)
                """, ct))
            {
                cmd.Parameters.AddWithValue(noteId);
                cmd.Parameters.AddWithValue(tenant.OrganizationId);
                cmd.Parameters.AddWithValue(guid);
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                cmd.Parameters.AddWithValue(content.Trim());
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await AuditWriter.WriteAsync(s, "conversation_notes", noteId, "create", new JsonObject { ["after"] = new JsonObject { ["conversation_id"] = guid.ToString() } }, ct);
            await s.CommitAsync(ct);
            return noteId;
        }
    }

    public async Task<ResourceResult> CloseAsync(TenantContext tenant, string id, CancellationToken ct)
    {
        var (s, guid, before) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            await ExecAsync(s, """
                UPDATE conversations SET is_active = false, status = CASE WHEN status = 'escalated' THEN status ELSE 'resolved' END, ended_at = now(),
                  resolution_time_seconds = greatest(0, extract(epoch FROM now() - started_at))::int, updated_by = $3,
                  resolved_by_agent = CASE
                    WHEN status = 'escalated' OR assigned_to IS NOT NULL OR EXISTS (SELECT 1 FROM messages h WHERE h.organization_id = $1 AND h.conversation_id = $2
                      AND h.role = 'assistant' AND h.agent_name = 'human') THEN 'human'
                    -- the logical AI agent speaking last (docs/ai.md, "Agents")
                    ELSE coalesce((SELECT x.to_agent FROM agent_handoffs x WHERE x.organization_id = $1 AND x.conversation_id = $2 AND x.deleted_at IS NULL
                                   ORDER BY x."timestamp" DESC, x.id DESC LIMIT 1),
                                  (SELECT a.specialty FROM agents a WHERE a.organization_id = $1 AND a.id = agent_id), 'human') END
                WHERE organization_id = $1 AND id = $2 AND is_active
                """, tenant, guid, ct);
            return await FinishAsync(s, guid, before, ct);
        }
    }

    public async Task<ResourceResult> ReopenAsync(TenantContext tenant, string id, CancellationToken ct)
    {
        var (s, guid, before) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            if (before["is_active"]?.GetValue<bool>() == true) return await FinishAsync(s, guid, before, ct);
            await using (var other = await s.CommandAsync("""
                SELECT o.id FROM conversations o, conversations c
                WHERE c.organization_id = $1 AND c.id = $2 AND o.organization_id = c.organization_id AND o.id <> c.id AND o.is_active AND o.deleted_at IS NULL
                  AND o.phone_number_id = c.phone_number_id AND o.customer_phone = c.customer_phone
                """, ct))
            {
                other.Parameters.AddWithValue(tenant.OrganizationId);
                other.Parameters.AddWithValue(guid);
                if (await other.ExecuteScalarAsync(ct) is Guid active)
                    throw ProblemException.Conflict($"Conversation {active} is already active with this person on this channel; close it first.");
            }
            await ExecAsync(s, "UPDATE conversations SET is_active = true, status = 'active', ended_at = NULL, resolved_by_agent = NULL, resolution_time_seconds = NULL, updated_by = $3 WHERE organization_id = $1 AND id = $2", tenant, guid, ct);
            return await FinishAsync(s, guid, before, ct);
        }
    }

    /// <summary>Assigns to a user of the organization (null unassigns). Assigned conversations get no automatic replies.</summary>
    public async Task<ResourceResult> AssignAsync(TenantContext tenant, string id, Guid? userId, CancellationToken ct)
    {
        var (s, guid, before) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            await using (var cmd = await s.CommandAsync("UPDATE conversations SET assigned_to = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2", ct))
            {
                cmd.Parameters.AddWithValue(tenant.OrganizationId);
                cmd.Parameters.AddWithValue(guid);
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)userId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return await FinishAsync(s, guid, before, ct);
        }
    }

    /// <summary>Gives the conversation back to its AI agent: nobody assigned, and an escalation is lifted.</summary>
    public async Task<ResourceResult> GiveBackToAiAsync(TenantContext tenant, string id, CancellationToken ct)
    {
        var (s, guid, before) = await OpenAsync(tenant, id, ct);
        await using (s)
        {
            if (before["agent_id"] is null) throw ProblemException.Conflict("This conversation has no AI agent to give it back to.");
            await ExecAsync(s, "UPDATE conversations SET assigned_to = NULL, status = CASE WHEN status = 'escalated' THEN 'active' ELSE status END, updated_by = $3 WHERE organization_id = $1 AND id = $2", tenant, guid, ct);
            return await FinishAsync(s, guid, before, ct);
        }
    }

    private static async Task ExecAsync(TenantSession s, string sql, TenantContext tenant, Guid id, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        cmd.Parameters.AddWithValue(tenant.OrganizationId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
