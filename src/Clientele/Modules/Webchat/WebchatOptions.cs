using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Webchat;

/// <summary>Webchat__… settings: abuse limits, token lifetime and stream timing (documented in docs/channels-webchat.md).</summary>
public sealed class WebchatOptions(IConfiguration config)
{
    private int Int(string name, int fallback, int min = 1) => Math.Max(min, config.GetValue("Webchat:" + name, fallback));

    /// <summary>New visitor sessions one IP address may start per hour.</summary>
    public int SessionsPerIpPerHour => Int("SessionsPerIpPerHour", 30);
    /// <summary>Messages one visitor may send per minute.</summary>
    public int MessagesPerVisitorPerMinute => Int("MessagesPerVisitorPerMinute", 20);
    /// <summary>Messages all visitors behind one IP address may send per minute.</summary>
    public int MessagesPerIpPerMinute => Int("MessagesPerIpPerMinute", 120);
    /// <summary>Open event streams per visitor, and per IP address.</summary>
    public int StreamsPerVisitor => Int("StreamsPerVisitor", 5);
    public int StreamsPerIp => Int("StreamsPerIp", 50);
    /// <summary>Longest message a visitor may send (characters).</summary>
    public int MaxMessageLength => Int("MaxMessageLength", 2000);
    /// <summary>How long a visitor token stays valid.</summary>
    public TimeSpan VisitorTokenLifetime => TimeSpan.FromDays(Int("VisitorTokenDays", 30));
    /// <summary>A comment line on idle streams so proxies and browsers keep them open.</summary>
    public TimeSpan Heartbeat => TimeSpan.FromSeconds(Int("HeartbeatSeconds", 15));
    /// <summary>Streams re-read the conversation at least this often even without a notification.</summary>
    public TimeSpan SafetyPoll => TimeSpan.FromMilliseconds(Int("SafetyPollMilliseconds", 5000, 50));
    /// <summary>A stream ends after this long; the browser's EventSource reconnects and resumes with Last-Event-ID.</summary>
    public TimeSpan MaxStreamDuration => TimeSpan.FromMinutes(Int("MaxStreamMinutes", 30));
    /// <summary>How long a channel's key, origins and settings are cached on a node.</summary>
    public TimeSpan ChannelCache => TimeSpan.FromSeconds(Int("ChannelCacheSeconds", 15, 0));
}
