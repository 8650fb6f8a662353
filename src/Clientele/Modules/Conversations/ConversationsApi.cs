using System.Text.Json.Nodes;
using Clientele.Modules.Channels.Jobs;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NpgsqlTypes;

namespace Clientele.Modules.Conversations;

/// <summary>The operator's actions on a conversation: write as a human, close, reopen, assign.</summary>
public static class ConversationsApi
{
    public sealed record SendRequest(string? Content);
    public sealed record AssignRequest(Guid? UserId);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/conversations/{id}").WithTags("Conversations");
        g.MapPost("/messages", Send).WithName("SendConversationMessage").WithSummary("Send a message as a human operator on the conversation's channel");
        g.MapPost("/close", Close).WithName("CloseConversation");
        g.MapPost("/reopen", Reopen).WithName("ReopenConversation");
        g.MapPost("/assign", Assign).WithName("AssignConversation").WithSummary("Assign to a user (null unassigns); assigned conversations get no automatic replies");
    }

    private static async Task<(TenantSession Session, Guid Id, JsonObject Before)> OpenAsync(string id, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store, CancellationToken ct)
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

    private static async Task<IResult> FinishAsync(TenantSession s, Guid id, JsonObject before, ResourceRegistry registry, ResourceStore store, CancellationToken ct)
    {
        var after = await store.GetAsync(s, registry.Find("conversations")!, id, [], false, ct);
        var diff = AuditWriter.Diff(before, JsonNode.Parse(after.Json)!.AsObject());
        await AuditWriter.WriteAsync(s, "conversations", id, "update", diff, ct);
        if (diff["before"]!.AsObject().Count > 0)
            await DomainEvents.PublishChangeAsync(s, "conversations", "updated", id, JsonNode.Parse(after.Json)!.AsObject(), diff["before"]!.AsObject().DeepClone().AsObject(), ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(after.Json, 200, after.ETag);
    }

    private static async Task<IResult> Send(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store, Outbox outbox)
    {
        var req = await JsonBody.ReadAsync<SendRequest>(ctx);
        if (string.IsNullOrWhiteSpace(req.Content) || req.Content.Length > 4096) throw ProblemException.Validation("content", "is required (1 to 4096 characters)");
        var (s, guid, before) = await OpenAsync(id, tenant, sessions, registry, store, ctx.RequestAborted);
        await using (s)
        {
            if (before["is_active"]?.GetValue<bool>() != true) throw ProblemException.Conflict("The conversation is closed; reopen it first.");
            if (before["phone_number_id"] is null) throw ProblemException.Conflict("The conversation has no channel to send on.");
            var messageId = await AgentReplyJob.AppendOutboundAsync(s, guid, req.Content.Trim(), "human", null, null, null,
                new JsonObject { ["sent_by_user"] = tenant.UserId?.ToString(), ["human"] = true }, tenant.ActorId, ctx.RequestAborted);
            await outbox.EnqueueAsync(s, MessageSendJob.TopicName, new { message_id = messageId }, ctx.RequestAborted);
            var message = await store.GetAsync(s, registry.Find("messages")!, messageId, [], false, ctx.RequestAborted);
            await AuditWriter.WriteAsync(s, "messages", messageId, "create", new JsonObject { ["after"] = JsonNode.Parse(message.Json) }, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
            return new JsonBytesResult(message.Json, 201, message.ETag, $"/api/v1/messages/{messageId}");
        }
    }

    private static async Task<IResult> Close(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        var (s, guid, before) = await OpenAsync(id, tenant, sessions, registry, store, ctx.RequestAborted);
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
                """, tenant, guid, ctx.RequestAborted);
            return await FinishAsync(s, guid, before, registry, store, ctx.RequestAborted);
        }
    }

    private static async Task<IResult> Reopen(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        var (s, guid, before) = await OpenAsync(id, tenant, sessions, registry, store, ctx.RequestAborted);
        await using (s)
        {
            if (before["is_active"]?.GetValue<bool>() == true) return await FinishAsync(s, guid, before, registry, store, ctx.RequestAborted);
            await using (var other = await s.CommandAsync("""
                SELECT o.id FROM conversations o, conversations c
                WHERE c.organization_id = $1 AND c.id = $2 AND o.organization_id = c.organization_id AND o.id <> c.id AND o.is_active AND o.deleted_at IS NULL
                  AND o.phone_number_id = c.phone_number_id AND o.customer_phone = c.customer_phone
                """, ctx.RequestAborted))
            {
                other.Parameters.AddWithValue(tenant.OrganizationId);
                other.Parameters.AddWithValue(guid);
                if (await other.ExecuteScalarAsync(ctx.RequestAborted) is Guid active)
                    throw ProblemException.Conflict($"Conversation {active} is already active with this person on this channel; close it first.");
            }
            await ExecAsync(s, "UPDATE conversations SET is_active = true, status = 'active', ended_at = NULL, resolved_by_agent = NULL, resolution_time_seconds = NULL, updated_by = $3 WHERE organization_id = $1 AND id = $2", tenant, guid, ctx.RequestAborted);
            return await FinishAsync(s, guid, before, registry, store, ctx.RequestAborted);
        }
    }

    private static async Task<IResult> Assign(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry, ResourceStore store)
    {
        var req = await JsonBody.ReadAsync<AssignRequest>(ctx);
        var (s, guid, before) = await OpenAsync(id, tenant, sessions, registry, store, ctx.RequestAborted);
        await using (s)
        {
            await using (var cmd = await s.CommandAsync("UPDATE conversations SET assigned_to = $3, updated_by = $4 WHERE organization_id = $1 AND id = $2", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(tenant.OrganizationId);
                cmd.Parameters.AddWithValue(guid);
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)req.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            return await FinishAsync(s, guid, before, registry, store, ctx.RequestAborted);
        }
    }

    private static async Task ExecAsync(TenantSession s, string sql, TenantContext tenant, Guid id, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        cmd.Parameters.AddWithValue(tenant.OrganizationId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
