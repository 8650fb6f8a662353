using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Http;

namespace Clientele.Modules.Channels;

/// <summary>
/// One message or status from any channel, normalized. Platform + ChannelId name the channel
/// (Meta phone number id, Instagram account id, webchat public key, inbound email address).
/// The payload's shape (documented in docs/channels.md): message {from, name, message_id,
/// timestamp, type, text, cta, attachments, raw}; status {message_id, status, timestamp, recipient, errors}.
/// A Rejected item is one the parser could not read (the reason says why): it is kept as an
/// inbound event with status 'rejected' and payload {raw}, and never processed. An empty
/// ChannelId means the parser could not even tell which channel it was for (counted unrouted).
/// </summary>
public sealed record InboundItem(string Platform, string ChannelId, string Kind, string ExternalId, JsonObject Payload, string? Rejected = null);

/// <summary>Builds the rejected items: evidence kept, redeliveries deduplicated by a hash of the raw item.</summary>
public static class InboundRejects
{
    /// <summary>Longest provider message id we keep (messages.platform_message_id is varchar(100)).</summary>
    public const int MaxMessageIdLength = 100;
    /// <summary>Longest sender handle (a phone or account id; "+" + handle must fit customer_contacts.phone, varchar(50)).</summary>
    public const int MaxHandleLength = 49;
    /// <summary>Display names longer than customer names (varchar(255)) are cut, not refused.</summary>
    public const int MaxNameLength = 255;

    public static InboundItem Reject(string platform, string channelId, string kind, JsonElement raw, string reason) =>
        new(platform, channelId, kind, "rejected:" + Convert.ToHexStringLower(SHA256.HashData(JsonMarshal.GetRawUtf8Value(raw))),
            new JsonObject { ["raw"] = JsonText.Evidence(raw) }, reason.Length > 1000 ? reason[..1000] : reason);

    /// <summary>A piece of a delivery that names no channel we could read: acknowledged, logged, not stored.</summary>
    public static InboundItem Unroutable(string platform, JsonElement raw, string reason) => Reject(platform, "", "message", raw, reason);

    public static string? Name(string? name) => name is { Length: > MaxNameLength } ? name[..MaxNameLength] : name;
}
