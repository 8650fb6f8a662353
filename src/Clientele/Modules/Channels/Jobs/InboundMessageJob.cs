using System.Text.Json.Nodes;
using Clientele.Modules.Conversations;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Channels.Jobs;

/// <summary>inbound.message: an inbound_events message becomes a conversation message, then the agent is asked to reply.</summary>
public sealed class InboundMessageJob(Outbox outbox) : IJobHandler
{
    public const string TopicName = "inbound.message";
    public string Topic => TopicName;

    private sealed record Payload(Guid InboundEventId);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var eventId = job.Read<Payload>().InboundEventId;
        JsonObject payload;
        ConversationInbox.Channel channel;
        // The event (locked) and its channel with the active agent: one round trip.
        await using (var cmd = await s.CommandAsync("""
            SELECT e.phone_number_id, e.payload::text, e.processed_at IS NOT NULL, p.platform,
                   (SELECT a.id FROM agents a WHERE a.organization_id = p.organization_id AND a.phone_number_id = p.id AND a.is_active)
            FROM inbound_events e LEFT JOIN phone_numbers p ON p.organization_id = e.organization_id AND p.id = e.phone_number_id
            WHERE e.organization_id = $1 AND e.id = $2
            FOR UPDATE OF e
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(eventId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct) || r.GetBoolean(2)) return; // gone or already done
            if (r.IsDBNull(3)) throw new InvalidOperationException($"channel {r.GetGuid(0)} does not exist");
            payload = JsonNode.Parse(r.GetString(1))!.AsObject();
            channel = new ConversationInbox.Channel(r.GetGuid(0), r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4));
        }
        var automatic = payload["automatic"]?.GetValue<string>();
        if (automatic == "bounce")
        {
            // A delivery status notification: no conversation with MAILER-DAEMON; the failed addresses are not mailed again.
            var bounced = payload["bounced"] is JsonArray list ? list.Select(a => a?.GetValue<string>()).OfType<string>().ToList() : [];
            await Email.EmailBounces.RecordAsync(s, bounced, payload["bounce_reason"]?.GetValue<string>(), payload["message_id"]?.GetValue<string>(), ct);
            return; // the worker marks the event processed in this transaction
        }
        var text = payload["text"]?.GetValue<string>() ?? "";
        var metadata = new JsonObject
        {
            ["channel"] = channel.Platform, ["type"] = payload["type"]?.DeepClone(), ["from"] = payload["from"]?.DeepClone(),
            ["cta"] = payload["cta"]?.DeepClone(), ["attachments"] = payload["attachments"]?.DeepClone(),
            ["email"] = payload["email"]?.DeepClone(), ["inbound_event_id"] = eventId.ToString(),
        };
        if (automatic is not null) metadata["automatic"] = automatic;
        var thread = ThreadOf(payload, metadata);
        var appended = await ConversationInbox.AppendInboundAsync(s, channel, payload["from"]!.GetValue<string>(), payload["name"]?.GetValue<string>(),
            payload["email"]?.GetValue<string>(), text, payload["message_id"]?.GetValue<string>(), ConversationInbox.ParseTime(payload["timestamp"]?.GetValue<string>()), metadata, thread, ct);

        // The event is the queue entry: the worker marks it processed in this transaction.
        // An auto-reply (out-of-office, list mail) is kept for people to read, never answered by the AI: no loops.
        if (appended.IsNew && automatic is null)
            await outbox.EnqueueAsync(s, AgentReplyJob.TopicName, new { conversation_id = appended.ConversationId, message_id = appended.MessageId }, ct);
    }

    /// <summary>
    /// Email threading (payloads with subject / in_reply_to / references; other channels have none
    /// and get null): the message joins the conversation holding the message it answers
    /// (In-Reply-To first, then References newest first); the subject goes into the message's and a
    /// new conversation's extra_metadata, and the conversation keeps the latest Message-ID and its
    /// References chain ("thread") so that replies can be threaded by mail clients.
    /// </summary>
    private static ConversationInbox.MessageThread? ThreadOf(JsonObject payload, JsonObject metadata)
    {
        if (!payload.ContainsKey("subject") && !payload.ContainsKey("in_reply_to") && !payload.ContainsKey("references")) return null;
        var subject = payload["subject"]?.GetValue<string>();
        var inReplyTo = payload["in_reply_to"]?.GetValue<string>();
        var references = payload["references"] is JsonArray refs ? refs.Select(r => r?.GetValue<string>()).OfType<string>().ToList() : [];
        metadata["subject"] = subject;
        metadata["in_reply_to"] = inReplyTo;
        metadata["references"] = new JsonArray(references.Select(r => (JsonNode)r).ToArray());
        var replyTo = new List<string>();
        if (inReplyTo is not null) replyTo.Add(inReplyTo);
        replyTo.AddRange(Enumerable.Reverse(references));
        // RFC 5322 3.6.4: a reply's References are the parent's References (or In-Reply-To) plus the parent's Message-ID.
        var chain = references.Count > 0 ? references : inReplyTo is not null ? [inReplyTo] : new List<string>();
        if (payload["message_id"]?.GetValue<string>() is { } messageId) chain = [.. chain.Where(r => r != messageId), messageId];
        if (chain.Count > 50) chain = [chain[0], .. chain[^49..]];
        return new ConversationInbox.MessageThread(replyTo.Distinct().ToList(),
            new JsonObject { ["subject"] = subject },
            new JsonObject { ["thread"] = new JsonObject { ["last_message_id"] = chain.LastOrDefault(), ["references"] = new JsonArray(chain.Select(r => (JsonNode)r).ToArray()) } });
    }
}
