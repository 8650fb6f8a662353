using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Limits;
using Clientele.Modules.Conversations;
using Clientele.Modules.Notifications;
using Clientele.Platform.Jobs;
using NpgsqlTypes;

namespace Clientele.Modules.Channels.Jobs;

/// <summary>
/// agent.reply: the conversation's agent answers a customer message. Each AI-generated reply
/// spends one message credit in the same transaction as the reply; at zero the customer's
/// message stays pending and the owners are told to top up. A conversation taken by a human
/// (assigned_to), escalated to one, or closed gets no automatic reply.
/// The balance is only read before the model call; the credit is taken in the last batch (with the
/// reply, its delivery status and its send job), so the organization's one credit row stays locked
/// for a commit, not for a whole model call: replies of one organization run in parallel. When the
/// balance ran out meanwhile the job rolls back and runs again, finding it empty.
/// </summary>
public sealed class AgentReplyJob(IEnumerable<IReplyGenerator> generators, Outbox outbox) : IJobHandler
{
    public const string TopicName = "agent.reply";
    public string Topic => TopicName;
    private readonly IReplyGenerator _generator = generators.OrderByDescending(g => g.Priority).First();

    private sealed record Payload(Guid ConversationId, Guid MessageId);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var p = job.Read<Payload>();
        string? text = null, customerName = null, agentName = null, channel = null;
        Guid? agentId = null;
        var open = false;
        var hasCredits = false;
        await using (var cmd = await s.CommandAsync("""
            SELECT m.content, c.is_active AND c.assigned_to IS NULL AND c.status <> 'escalated', c.agent_id, a.name, cu.name, coalesce(c.channel, 'api'),
                   EXISTS (SELECT 1 FROM messages r WHERE r.organization_id = m.organization_id AND r.conversation_id = m.conversation_id
                           AND r.role = 'assistant' AND r.extra_metadata->>'reply_to' = m.id::text),
                   coalesce((SELECT mc.remaining_credits > 0 FROM message_credits mc WHERE mc.organization_id = m.organization_id), false)
            FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            LEFT JOIN agents a ON a.organization_id = c.organization_id AND a.id = c.agent_id
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            WHERE m.organization_id = $1 AND m.id = $2
            FOR UPDATE OF c
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(p.MessageId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct) || r.GetBoolean(6)) return; // gone, or already answered
            text = r.GetString(0);
            open = r.GetBoolean(1);
            agentId = r.IsDBNull(2) ? null : r.GetGuid(2);
            agentName = r.IsDBNull(3) ? null : r.GetString(3);
            customerName = r.IsDBNull(4) ? null : r.GetString(4);
            channel = r.GetString(5);
            hasCredits = r.GetBoolean(7);
        }
        if (!open) return;
        // Over the platform plan's monthly message limit a person takes over instead of a reply (Billing/Limits).
        if (await MessageLimitPause.ExhaustedAsync(s, DateTime.UtcNow, ct) is { } exhausted)
        {
            await MessageLimitPause.PauseAsync(s, p.ConversationId, p.MessageId, exhausted, ct);
            return;
        }

        if (!hasCredits)
        {
            await SetStatusAsync(s, p.MessageId, "pending", ct);
            await NotificationDispatcher.NotifyAdminsAsync(s, "warning", "credits_exhausted", "Message credits used up",
                "Your AI agents stopped replying because the organization has no message credits left. Customer messages wait until credits are added.",
                new JsonObject { ["conversation_id"] = p.ConversationId.ToString(), ["message_id"] = p.MessageId.ToString() }, TimeSpan.FromHours(1), ct, link: "/app/settings");
            return;
        }
        var reply = await _generator.ReplyAsync(s, new ReplyRequest(p.ConversationId, p.MessageId, agentId, agentName, text!, customerName, channel!), ct);
        if (reply is null) return;
        var metadata = new JsonObject { ["reply_to"] = p.MessageId.ToString(), ["generated"] = true };
        if (reply.Metadata is { } extra) foreach (var (key, value) in extra) metadata[key] = value?.DeepClone();

        var replyId = Guid.CreateVersion7();
        await using var batch = new Npgsql.NpgsqlBatch(await s.BeginAsync(ct), s.Transaction);
        batch.BatchCommands.Add(Command("UPDATE messages SET status = NULL WHERE organization_id = $1 AND id = $2 AND status IS NOT NULL", s.OrganizationId, p.MessageId));
        foreach (var c in OutboundCommands(s, replyId, p.ConversationId, reply.Content, reply.AgentName ?? agentName ?? "assistant", reply.ModelUsed, reply.TokensUsed,
                     reply.Confidence, metadata, null))
            batch.BatchCommands.Add(c);
        batch.BatchCommands.Add(outbox.Command(s, MessageSendJob.TopicName, new { message_id = replyId }));
        var spend = MessageCredits.SpendCommand(s);
        batch.BatchCommands.Add(spend);
        // The plan's max_messages is counted when the worker commits (migration 0124): if another reply took
        // the last message meanwhile, that commit fails and the next attempt finds the limit and hands over.
        await batch.ExecuteNonQueryAsync(ct);
        if (spend.RecordsAffected != 1)
            throw new RetryLaterException("the message credits ran out while the reply was written", TimeSpan.FromSeconds(1), countsAsAttempt: false);
    }

    /// <summary>An outbound message (agent or human) waiting to be sent; returns its id.</summary>
    public static async Task<Guid> AppendOutboundAsync(Clientele.Platform.Database.TenantSession s, Guid conversationId, string content, string agentName, string? model, int? tokens,
        double? confidence, JsonObject metadata, Guid? createdBy, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var batch = new Npgsql.NpgsqlBatch(await s.BeginAsync(ct), s.Transaction);
        foreach (var c in OutboundCommands(s, id, conversationId, content, agentName, model, tokens, confidence, metadata, createdBy)) batch.BatchCommands.Add(c);
        await batch.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>The message, its "pending" delivery status and the conversation's timestamps: one round trip.</summary>
    private static IEnumerable<Npgsql.NpgsqlBatchCommand> OutboundCommands(Clientele.Platform.Database.TenantSession s, Guid id, Guid conversationId, string content, string agentName,
        string? model, int? tokens, double? confidence, JsonObject metadata, Guid? createdBy)
    {
        yield return Command("""
            INSERT INTO messages (id, organization_id, conversation_id, role, content, agent_name, model_used, tokens_used, agent_confidence, status, extra_metadata, created_by, updated_by)
            VALUES ($1, $2, $3, 'assistant', $4, $5, $6, $7, $8, 'pending', $9, $10, $10)
            """, id, s.OrganizationId, conversationId, content, agentName.Length > 50 ? agentName[..50] : agentName,
            new Npgsql.NpgsqlParameter { Value = (object?)model ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar },
            new Npgsql.NpgsqlParameter { Value = (object?)tokens ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer },
            new Npgsql.NpgsqlParameter { Value = confidence is { } c ? Math.Round((decimal)c, 2) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric },
            new Npgsql.NpgsqlParameter { Value = metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb },
            new Npgsql.NpgsqlParameter { Value = (object?)createdBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        yield return DeliveryStatuses.PendingCommand(s, id);
        yield return Command("""
            UPDATE conversations SET last_message_at = now(), last_activity_at = now(),
              first_response_time_seconds = coalesce(first_response_time_seconds, greatest(0, extract(epoch FROM now() - started_at))::int)
            WHERE organization_id = $1 AND id = $2
            """, s.OrganizationId, conversationId);
    }

    private static Npgsql.NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var cmd = new Npgsql.NpgsqlBatchCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(v as Npgsql.NpgsqlParameter ?? new Npgsql.NpgsqlParameter { Value = v });
        return cmd;
    }

    private static async Task SetStatusAsync(Clientele.Platform.Database.TenantSession s, Guid messageId, string? status, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("UPDATE messages SET status = $3 WHERE organization_id = $1 AND id = $2", ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(messageId);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
