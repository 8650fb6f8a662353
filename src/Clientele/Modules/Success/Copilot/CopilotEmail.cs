using System.Text.Json.Nodes;
using Clientele.Modules.Channels.Jobs;
using Clientele.Modules.Conversations;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Success.Copilot;

/// <summary>The organization cannot do what an approved action asks (no email channel, …); the approval ends failed with this reason.</summary>
public sealed class CopilotActionException(string message) : Exception(message);

/// <summary>
/// An approved email goes out like an operator's message (docs/channels-email.md): an outbound
/// message in a conversation of the organization's email channel with the recipient (the active one,
/// or a new one for the customer, assigned to the CSM so that the AI agent leaves the replies to a
/// person), delivered by the outbox's message.send job through SMTP. Without an email channel the
/// action fails with that reason.
/// </summary>
public sealed class CopilotEmail(Outbox outbox)
{
    public async Task<JsonObject> SendAsync(TenantSession s, ProposedAction email, Guid customerId, Guid approvalId, Guid? csmId, Guid approverId, CancellationToken ct)
    {
        var channelId = await EmailChannelAsync(s, ct)
            ?? throw new CopilotActionException("The organization has no email channel: add one (a phone_numbers row with platform email, docs/channels-email.md) and propose the email again.");
        var channel = await ConversationInbox.ChannelAsync(s, channelId, ct);
        var to = email.To!.Trim().ToLowerInvariant();
        var handle = to.Length > 50 ? to[..50] : to; // conversations.customer_phone, as the inbound pipeline keeps it
        // The inbound pipeline's lock for this channel and address: a reply arriving now joins the same conversation.
        await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [$"{s.OrganizationId}:{channelId}:{handle}"], ct);
        var (conversationId, isNew) = await ConversationAsync(s, channel, handle, customerId, email.Subject!, csmId ?? approverId, ct);
        var messageId = await AgentReplyJob.AppendOutboundAsync(s, conversationId, email.Body!, ActivityScope.AgentType, null, null, null, new JsonObject
        {
            ["approval_id"] = approvalId.ToString(), ["approved_by"] = approverId.ToString(), ["copilot"] = true,
            ["email"] = new JsonObject { ["to"] = to, ["to_name"] = email.ToName, ["subject"] = email.Subject },
        }, approverId, ct);
        await outbox.EnqueueAsync(s, MessageSendJob.TopicName, new { message_id = messageId }, ct);
        return new JsonObject
        {
            ["conversation_id"] = conversationId.ToString(), ["message_id"] = messageId.ToString(), ["new_conversation"] = isNew,
            ["channel_id"] = channelId.ToString(), ["to"] = to, ["subject"] = email.Subject, ["delivery"] = "queued",
        };
    }

    private static Task<Guid?> EmailChannelAsync(TenantSession s, CancellationToken ct) =>
        s.ScalarAsync<Guid?>("SELECT id FROM phone_numbers WHERE organization_id = $1 AND platform = 'email' ORDER BY created_at, id LIMIT 1", [s.OrganizationId], ct);

    private static async Task<(Guid Id, bool IsNew)> ConversationAsync(TenantSession s, ConversationInbox.Channel channel, string handle, Guid customerId, string subject,
        Guid assignee, CancellationToken ct)
    {
        if (await s.ScalarAsync<Guid?>("""
            SELECT id FROM conversations WHERE organization_id = $1 AND phone_number_id = $2 AND customer_phone = $3 AND is_active AND deleted_at IS NULL
            ORDER BY started_at DESC LIMIT 1
            """, [s.OrganizationId, channel.PhoneNumberId, handle], ct) is { } existing) return (existing, false);
        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO conversations (id, organization_id, customer_id, agent_id, phone_number_id, customer_phone, channel, status, is_active,
                                       last_activity_at, assigned_to, extra_metadata, created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, 'email', 'active', true, now(), $7, $8, $7, $7)
            """,
            [id, s.OrganizationId, customerId, SqlArg.Uuid(channel.AgentId), channel.PhoneNumberId, handle, assignee,
             new JsonObject { ["subject"] = subject, ["started_by"] = "copilot" }], ct);
        return (id, true);
    }
}
