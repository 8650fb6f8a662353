using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Channels;

/// <summary>Per-number send pacing (a token bucket per channel on this node) under Meta's per-number throughput.</summary>
public sealed class ChannelPacer(MetaOptions meta) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, TokenBucketRateLimiter> _buckets = new();

    public async Task WaitTurnAsync(Guid phoneNumberId, CancellationToken ct)
    {
        var perSecond = Math.Max(1, meta.MessagesPerSecondPerNumber);
        var bucket = _buckets.GetOrAdd(phoneNumberId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = perSecond * 10, QueueProcessingOrder = QueueProcessingOrder.OldestFirst, AutoReplenishment = true,
        }));
        using var lease = await bucket.AcquireAsync(1, ct);
        // Waiting for our own pacing is not a failure: it must never dead-letter a message.
        if (!lease.IsAcquired)
            throw new RetryLaterException("this number's send queue is full", TimeSpan.FromSeconds(1 + Random.Shared.NextDouble()), countsAsAttempt: false);
    }

    public void Dispose()
    {
        foreach (var b in _buckets.Values) b.Dispose();
    }
}
