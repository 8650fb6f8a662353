using System.Text.Json.Nodes;

namespace Clientele.Modules.Channels;

/// <summary>
/// One message or status from any channel, normalized. Platform + ChannelId name the channel
/// (Meta phone number id, Instagram account id, webchat public key, inbound email address).
/// The payload's shape (documented in docs/channels.md): message {from, name, message_id,
/// timestamp, type, text, cta, attachments, raw}; status {message_id, status, timestamp, recipient, errors}.
/// </summary>
public sealed record InboundItem(string Platform, string ChannelId, string Kind, string ExternalId, JsonObject Payload);
