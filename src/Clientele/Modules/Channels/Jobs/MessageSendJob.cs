using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using NpgsqlTypes;

namespace Clientele.Modules.Channels.Jobs;

/// <summary>
/// message.send: delivers a pending outbound message on its conversation's channel, then records
/// the provider's message id and "sent". Retries follow the outbox's backoff; when it is given up
/// the message and its delivery status become "failed" with the error. Delivery is at least once:
/// a crash between the provider's answer and the commit sends again.
/// </summary>
public sealed class MessageSendJob(IEnumerable<IChannelSender> senders, BodyBinder secrets) : IJobHandler
{
    public const string TopicName = "message.send";
    public string Topic => TopicName;

    private sealed record Payload(Guid MessageId);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var messageId = job.Read<Payload>().MessageId;
        var outbound = await LoadAsync(s, messageId, ct);
        if (outbound is null) return; // deleted, or already sent
        var sender = senders.FirstOrDefault(x => x.Handles(outbound.Platform))
            ?? throw new PermanentJobException($"no sender for platform {outbound.Platform}");
        var result = await sender.SendAsync(outbound, ct);
        await using (var cmd = await s.CommandAsync("""
            UPDATE messages SET status = 'sent', platform_message_id = $3,
              extra_metadata = coalesce(extra_metadata, '{}'::jsonb) || coalesce($4, '{}'::jsonb)
            WHERE organization_id = $1 AND id = $2
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(messageId);
            cmd.Parameters.AddWithValue(result.PlatformMessageId);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)result.Metadata?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await DeliveryStatuses.AdvanceAsync(s, messageId, result.PlatformMessageId, "sent", null, ct);
    }

    public async Task OnDeadAsync(JobContext job, string error, CancellationToken ct)
    {
        var s = job.Session;
        var messageId = job.Read<Payload>().MessageId;
        await using (var cmd = await s.CommandAsync("UPDATE messages SET status = 'failed' WHERE organization_id = $1 AND id = $2 AND status IS DISTINCT FROM 'sent'", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(messageId);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) return;
        }
        await DeliveryStatuses.AdvanceAsync(s, messageId, null, "failed", error, ct);
    }

    private async Task<OutboundMessage?> LoadAsync(TenantSession s, Guid messageId, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            SELECT m.conversation_id, p.platform, p.id, p.meta_phone_number_id, p.access_token, c.customer_phone, cu.email, cu.name,
                   m.content, p.settings::text, coalesce(c.extra_metadata, '{}'::jsonb)::text, m.status,
                   -- email: the recipient bounced before (a DSN came back, migration 0091); the AI wrote it (not a person)
                   p.platform = 'email' AND EXISTS (SELECT 1 FROM email_bounces b WHERE b.organization_id = m.organization_id
                     AND b.address IN (lower(c.customer_phone), lower(cu.email))),
                   m.agent_name IS DISTINCT FROM 'human' 
            FROM messages m
            JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            JOIN phone_numbers p ON p.organization_id = c.organization_id AND p.id = c.phone_number_id
            LEFT JOIN customers cu ON cu.organization_id = c.organization_id AND cu.id = c.customer_id
            WHERE m.organization_id = $1 AND m.id = $2 AND m.deleted_at IS NULL
            FOR UPDATE OF m
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(messageId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        if (!r.IsDBNull(11) && r.GetString(11) == "sent") return null;
        string? token = null;
        if (!r.IsDBNull(4))
        {
            try { token = secrets.Unprotect(r.GetString(4)); }
            catch (System.Security.Cryptography.CryptographicException e) { throw new PermanentJobException("the channel's access token cannot be decrypted; set it again", e); }
        }
        return new OutboundMessage(messageId, r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), token, r.IsDBNull(5) ? "" : r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8),
            JsonNode.Parse(r.GetString(9))!.AsObject(), JsonNode.Parse(r.GetString(10))!.AsObject(), r.GetBoolean(12), r.GetBoolean(13));
    }
}
