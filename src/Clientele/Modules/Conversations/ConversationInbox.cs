using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Conversations;

/// <summary>
/// Turns an inbound channel message into conversation state: the customer (matched by phone or
/// email, created when new), the one active conversation per channel and handle (created when
/// none), and the message (skipped when its provider id was seen). Runs inside the caller's
/// transaction; a transaction-scoped advisory lock per channel and handle serializes concurrent
/// arrivals from one person, and the messages trigger numbers them without gaps.
/// </summary>
public static class ConversationInbox
{
    public sealed record Appended(Guid ConversationId, Guid CustomerId, Guid? MessageId, int? SequenceNo, bool IsNew);

    public sealed record Channel(Guid PhoneNumberId, string Platform, Guid? AgentId);

    public static async Task<Channel> ChannelAsync(TenantSession s, Guid phoneNumberId, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            SELECT p.platform, (SELECT a.id FROM agents a WHERE a.organization_id = p.organization_id AND a.phone_number_id = p.id AND a.is_active)
            FROM phone_numbers p WHERE p.organization_id = $1 AND p.id = $2
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(phoneNumberId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"channel {phoneNumberId} does not exist");
        return new Channel(phoneNumberId, r.GetString(0), r.IsDBNull(1) ? null : r.GetGuid(1));
    }

    /// <summary>
    /// Threading for channels whose messages name the messages they answer (email's In-Reply-To and
    /// References). <paramref name="ReplyTo"/>: provider message ids, most specific first; when one of
    /// them is a message of an active conversation on the same channel, the new message joins that
    /// conversation (and its customer) whoever sent it; otherwise the usual rule applies.
    /// <paramref name="NewConversationMetadata"/> becomes the extra_metadata of a conversation the
    /// message starts; <paramref name="ConversationMetadataUpdate"/> is merged key by key into the
    /// conversation's extra_metadata with every new message.
    /// </summary>
    public sealed record MessageThread(IReadOnlyList<string> ReplyTo, JsonObject? NewConversationMetadata = null, JsonObject? ConversationMetadataUpdate = null);

    /// <param name="handle">the person on the channel: phone (WhatsApp), account id (Instagram), visitor id (webchat), address (email)</param>
    public static Task<Appended> AppendInboundAsync(TenantSession s, Channel channel, string handle, string? displayName, string? email,
        string text, string? platformMessageId, DateTime? sentAt, JsonObject metadata, CancellationToken ct) =>
        AppendInboundAsync(s, channel, handle, displayName, email, text, platformMessageId, sentAt, metadata, null, ct);

    /// <param name="handle">the person on the channel: phone (WhatsApp), account id (Instagram), visitor id (webchat), address (email)</param>
    /// <param name="thread">optional threading (email); null keeps the one-conversation-per-channel-and-handle rule alone</param>
    public static async Task<Appended> AppendInboundAsync(TenantSession s, Channel channel, string handle, string? displayName, string? email,
        string text, string? platformMessageId, DateTime? sentAt, JsonObject metadata, MessageThread? thread, CancellationToken ct)
    {
        handle = handle.Length > 50 ? handle[..50] : handle;
        await using (var lockCmd = await s.CommandAsync("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ct))
        {
            lockCmd.Parameters.AddWithValue($"{s.OrganizationId}:{channel.PhoneNumberId}:{handle}");
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        if (platformMessageId is not null && await ExistingMessageAsync(s, platformMessageId, ct) is { } dup)
            return dup;

        var joined = thread is { ReplyTo.Count: > 0 } ? await FindThreadAsync(s, channel, thread.ReplyTo, ct) : null;
        var customerId = joined?.CustomerId ?? await FindOrCreateCustomerAsync(s, channel.Platform, handle, displayName, email, ct);
        var conversationId = joined?.ConversationId ?? await FindOrCreateConversationAsync(s, channel, handle, customerId, thread?.NewConversationMetadata, ct);

        var messageId = Guid.CreateVersion7();
        await using var ins = await s.CommandAsync("""
            INSERT INTO messages (id, organization_id, conversation_id, role, content, platform_message_id, "timestamp", extra_metadata)
            VALUES ($1, $2, $3, 'user', $4, $5, coalesce($6, now()), $7)
            ON CONFLICT (organization_id, platform_message_id) WHERE platform_message_id IS NOT NULL DO NOTHING
            RETURNING sequence_no
            """, ct);
        ins.Parameters.AddWithValue(messageId);
        ins.Parameters.AddWithValue(s.OrganizationId);
        ins.Parameters.AddWithValue(conversationId);
        ins.Parameters.AddWithValue(text);
        ins.Parameters.Add(new NpgsqlParameter { Value = (object?)platformMessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        ins.Parameters.Add(new NpgsqlParameter { Value = (object?)sentAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        ins.Parameters.Add(new NpgsqlParameter { Value = metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        var seq = await ins.ExecuteScalarAsync(ct);
        if (seq is null) return await ExistingMessageAsync(s, platformMessageId!, ct) ?? throw new InvalidOperationException("message vanished");

        await using var touch = await s.CommandAsync("""
            UPDATE conversations SET last_message_at = greatest(last_message_at, coalesce($3, now())), last_activity_at = now(),
              extra_metadata = CASE WHEN $4::jsonb IS NULL THEN extra_metadata ELSE coalesce(extra_metadata, '{}'::jsonb) || $4::jsonb END
            WHERE organization_id = $1 AND id = $2
            """, ct);
        touch.Parameters.AddWithValue(s.OrganizationId);
        touch.Parameters.AddWithValue(conversationId);
        touch.Parameters.Add(new NpgsqlParameter { Value = (object?)sentAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        touch.Parameters.Add(new NpgsqlParameter { Value = (object?)thread?.ConversationMetadataUpdate?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await touch.ExecuteNonQueryAsync(ct);
        await DomainEvents.PublishRowAsync(s, "messages", messageId, ct, null, "message.received");
        return new Appended(conversationId, customerId, messageId, (int)seq, true);
    }

    private static async Task<Appended?> ExistingMessageAsync(TenantSession s, string platformMessageId, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            SELECT m.conversation_id, c.customer_id, m.id, m.sequence_no FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            WHERE m.organization_id = $1 AND m.platform_message_id = $2
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(platformMessageId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Appended(r.GetGuid(0), r.IsDBNull(1) ? Guid.Empty : r.GetGuid(1), r.GetGuid(2), r.GetInt32(3), false) : null;
    }

    /// <summary>
    /// customers.email is required (seed 000), so a person known only by phone or account gets a
    /// reserved address under the .invalid top-level domain (RFC 2606) until a real one is known.
    /// </summary>
    public static string PlaceholderEmail(string platform, string handle) =>
        $"{platform}-{new string(handle.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()}@{platform}.invalid";

    private static async Task<Guid> FindOrCreateCustomerAsync(TenantSession s, string platform, string handle, string? name, string? email, CancellationToken ct)
    {
        var isPhone = platform == "whatsapp";
        var phone = isPhone ? "+" + handle.TrimStart('+') : null;
        var customerEmail = email ?? PlaceholderEmail(platform, handle);
        // One index probe per branch (issue 16): with the phone and the email in one OR the contacts were
        // filtered by organization alone, a read that grew with the organization's contacts (139 buffers a message
        // at 2,000 contacts). A NULL phone matches nothing. The email branches go through clientele_ids_by_email
        // (migration 0132): under row security lower(email) cannot use its index.
        await using (var find = await s.CommandAsync("""
            SELECT id FROM customers WHERE id IN (SELECT clientele_ids_by_email('customers', $2)) AND organization_id = $1 AND deleted_at IS NULL
            UNION ALL
            SELECT customer_id FROM customer_contacts WHERE organization_id = $1 AND deleted_at IS NULL AND phone = $3::text
            UNION ALL
            SELECT customer_id FROM customer_contacts WHERE id IN (SELECT clientele_ids_by_email('customer_contacts', $2)) AND organization_id = $1 AND deleted_at IS NULL
            LIMIT 1
            """, ct))
        {
            find.Parameters.AddWithValue(s.OrganizationId);
            find.Parameters.AddWithValue(customerEmail);
            find.Parameters.Add(new NpgsqlParameter { Value = (object?)phone ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            if (await find.ExecuteScalarAsync(ct) is Guid existing) return existing;
        }
        var id = Guid.CreateVersion7();
        await using (var ins = await s.CommandAsync("""
            INSERT INTO customers (id, organization_id, email, name, lead_source, stage, created_by) VALUES ($1, $2, $3, $4, $5, 'prospect', NULL);
            """, ct))
        {
            ins.Parameters.AddWithValue(id);
            ins.Parameters.AddWithValue(s.OrganizationId);
            ins.Parameters.AddWithValue(customerEmail);
            ins.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            ins.Parameters.AddWithValue(platform);
            await ins.ExecuteNonQueryAsync(ct);
        }
        await using (var contact = await s.CommandAsync("""
            INSERT INTO customer_contacts (id, organization_id, customer_id, email, name, phone, role, is_primary, extra_metadata)
            VALUES ($1, $2, $3, $4, $5, $6, 'user', true, $7)
            """, ct))
        {
            contact.Parameters.AddWithValue(Guid.CreateVersion7());
            contact.Parameters.AddWithValue(s.OrganizationId);
            contact.Parameters.AddWithValue(id);
            contact.Parameters.Add(new NpgsqlParameter { Value = (object?)email ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            contact.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            contact.Parameters.Add(new NpgsqlParameter { Value = (object?)phone ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            contact.Parameters.Add(new NpgsqlParameter { Value = new JsonObject { ["channel"] = platform, ["handle"] = handle }.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await contact.ExecuteNonQueryAsync(ct);
        }
        return id;
    }

    /// <summary>The active conversation on this channel that holds one of the messages named (the first named wins), and its customer.</summary>
    private static async Task<(Guid ConversationId, Guid? CustomerId)?> FindThreadAsync(TenantSession s, Channel channel, IReadOnlyList<string> replyTo, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            SELECT c.id, c.customer_id FROM messages m
            JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            WHERE m.organization_id = $1 AND m.platform_message_id = ANY ($2) AND c.phone_number_id = $3 AND c.is_active AND c.deleted_at IS NULL
            ORDER BY array_position($2, m.platform_message_id::text), m.created_at DESC
            LIMIT 1
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = replyTo.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(channel.PhoneNumberId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1)) : null;
    }

    private static async Task<Guid> FindOrCreateConversationAsync(TenantSession s, Channel channel, string handle, Guid customerId, JsonObject? metadata, CancellationToken ct)
    {
        await using (var find = await s.CommandAsync("""
            SELECT id FROM conversations WHERE organization_id = $1 AND phone_number_id = $2 AND customer_phone = $3 AND is_active AND deleted_at IS NULL
            ORDER BY started_at DESC LIMIT 1
            """, ct))
        {
            find.Parameters.AddWithValue(s.OrganizationId);
            find.Parameters.AddWithValue(channel.PhoneNumberId);
            find.Parameters.AddWithValue(handle);
            if (await find.ExecuteScalarAsync(ct) is Guid existing) return existing;
        }
        var id = Guid.CreateVersion7();
        await using var ins = await s.CommandAsync("""
            INSERT INTO conversations (id, organization_id, customer_id, agent_id, phone_number_id, customer_phone, channel, status, is_active, last_activity_at, extra_metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', true, now(), $8)
            """, ct);
        ins.Parameters.AddWithValue(id);
        ins.Parameters.AddWithValue(s.OrganizationId);
        ins.Parameters.AddWithValue(customerId);
        ins.Parameters.Add(new NpgsqlParameter { Value = (object?)channel.AgentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        ins.Parameters.AddWithValue(channel.PhoneNumberId);
        ins.Parameters.AddWithValue(handle);
        ins.Parameters.AddWithValue(channel.Platform == "webchat" ? "web_chat" : channel.Platform);
        ins.Parameters.Add(new NpgsqlParameter { Value = (object?)metadata?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await ins.ExecuteNonQueryAsync(ct);
        await DomainEvents.PublishRowAsync(s, "conversations", id, ct, null, "conversation.created");
        return id;
    }

    public static DateTime? ParseTime(string? iso) =>
        iso is not null && DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
