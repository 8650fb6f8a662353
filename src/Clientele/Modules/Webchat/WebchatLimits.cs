using System.Globalization;
using System.Threading.RateLimiting;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Webchat;

/// <summary>
/// Abuse limits of the public webchat endpoints, per node and in memory (fixed windows from
/// System.Threading.RateLimiting): sessions per IP per hour, messages per visitor and per IP per
/// minute, open streams per visitor and per IP. A refusal is 429 problem+json with Retry-After.
/// </summary>
public sealed class WebchatLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _sessionsPerIp;
    private readonly PartitionedRateLimiter<string> _messagesPerVisitor;
    private readonly PartitionedRateLimiter<string> _messagesPerIp;
    private readonly PartitionedRateLimiter<string> _streamsPerVisitor;
    private readonly PartitionedRateLimiter<string> _streamsPerIp;

    public WebchatLimits(WebchatOptions o)
    {
        _sessionsPerIp = Window(o.SessionsPerIpPerHour, TimeSpan.FromHours(1));
        _messagesPerVisitor = Window(o.MessagesPerVisitorPerMinute, TimeSpan.FromMinutes(1));
        _messagesPerIp = Window(o.MessagesPerIpPerMinute, TimeSpan.FromMinutes(1));
        _streamsPerVisitor = Concurrency(o.StreamsPerVisitor);
        _streamsPerIp = Concurrency(o.StreamsPerIp);
    }

    private static PartitionedRateLimiter<string> Window(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    private static PartitionedRateLimiter<string> Concurrency(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetConcurrencyLimiter(key, _ =>
            new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 }));

    public static string Ip(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public void StartSession(HttpContext ctx) => Take(ctx, _sessionsPerIp, "ip:" + Ip(ctx), "Too many chat sessions were started from your address; try again later.");

    public void SendMessage(HttpContext ctx, Visitor v)
    {
        Take(ctx, _messagesPerVisitor, "visitor:" + v.ChannelId + ":" + v.VisitorId, "You are sending messages too fast; wait a moment.");
        Take(ctx, _messagesPerIp, "ip:" + Ip(ctx), "Too many messages from your address; wait a moment.");
    }

    /// <summary>Holds a stream slot until the returned leases are disposed.</summary>
    public IDisposable OpenStream(HttpContext ctx, Visitor v)
    {
        var visitor = _streamsPerVisitor.AttemptAcquire("visitor:" + v.ChannelId + ":" + v.VisitorId);
        if (!visitor.IsAcquired) { visitor.Dispose(); Refuse(ctx, 5, "Too many open chat streams for this visitor."); }
        var ip = _streamsPerIp.AttemptAcquire("ip:" + Ip(ctx));
        if (!ip.IsAcquired) { ip.Dispose(); visitor.Dispose(); Refuse(ctx, 5, "Too many open chat streams from your address."); }
        return new Leases(visitor, ip);
    }

    private static void Take(HttpContext ctx, PartitionedRateLimiter<string> limiter, string key, string detail)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return;
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
        Refuse(ctx, retry, detail);
    }

    private static void Refuse(HttpContext ctx, int retryAfterSeconds, string detail)
    {
        ctx.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        throw new ProblemException(429, "Too many requests", $"{detail} Retry after {retryAfterSeconds} s.");
    }

    private sealed class Leases(RateLimitLease a, RateLimitLease b) : IDisposable
    {
        public void Dispose() { a.Dispose(); b.Dispose(); }
    }

    public void Dispose()
    {
        _sessionsPerIp.Dispose();
        _messagesPerVisitor.Dispose();
        _messagesPerIp.Dispose();
        _streamsPerVisitor.Dispose();
        _streamsPerIp.Dispose();
    }
}
