using System.Text.Json.Nodes;

namespace Clientele.Modules.Channels;

/// <summary>An outbound message with everything a channel needs to deliver it.</summary>
public sealed record OutboundMessage(Guid MessageId, Guid ConversationId, string Platform, Guid PhoneNumberId, string ChannelExternalId, string? AccessToken,
    string Recipient, string? RecipientEmail, string? RecipientName, string Text, JsonObject ChannelSettings, JsonObject ConversationMetadata,
    bool RecipientBouncing = false, bool Automatic = false);

public sealed record SendResult(string PlatformMessageId, JsonObject? Metadata = null);

/// <summary>Delivers outbound messages on one or more platforms (Meta Graph API, webchat, SMTP).</summary>
public interface IChannelSender
{
    bool Handles(string platform);
    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken ct);
}

/// <summary>Webchat visitors read replies from the conversation (server-sent events), so "sending" is recording it as sent.</summary>
public sealed class WebchatSender : IChannelSender
{
    public bool Handles(string platform) => platform == "webchat";
    public Task<SendResult> SendAsync(OutboundMessage message, CancellationToken ct) => Task.FromResult(new SendResult("webchat:" + message.MessageId));
}
