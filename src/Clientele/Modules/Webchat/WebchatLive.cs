using System.Collections.Concurrent;
using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Webchat;

/// <summary>
/// Live updates for visitors' event streams across app nodes: one dedicated connection per node
/// LISTENs on 'clientele_webchat' (notified at commit by the messages trigger of migration 0020 with
/// "&lt;channel id&gt;:&lt;visitor id&gt;") and wakes the streams of that visitor on this node, which
/// then read the new rows. Streams also re-read on a slow safety timer, and all of them are woken
/// whenever the listener (re)connects, so a notification lost while it was down costs seconds, not messages.
/// </summary>
public sealed class WebchatLive(DatabaseSettings settings, ILogger<WebchatLive> logger) : PgListener(settings, logger)
{
    public const string ChannelName = "clientele_webchat";
    protected override string ListenChannel => ChannelName;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

    public Subscription Subscribe(Guid channelId, string visitorId)
    {
        var key = channelId + ":" + visitorId;
        var sub = new Subscription(this, key);
        _subscribers.GetOrAdd(key, _ => new()).TryAdd(sub, 0);
        return sub;
    }

    private void Unsubscribe(Subscription sub)
    {
        if (!_subscribers.TryGetValue(sub.Key, out var set)) return;
        set.TryRemove(sub, out _);
        if (set.IsEmpty) _subscribers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(sub.Key, set));
    }

    protected override void OnNotification(string key)
    {
        if (_subscribers.TryGetValue(key, out var set))
            foreach (var sub in set.Keys) sub.Wake();
    }

    private void WakeAll()
    {
        foreach (var set in _subscribers.Values)
            foreach (var sub in set.Keys) sub.Wake();
    }

    // Whatever committed while we were not listening: every stream re-reads (and polls faster while deaf).
    protected override void OnListening() => WakeAll();
    protected override void OnDeaf() => WakeAll();

    /// <summary>One open stream's wake-up signal; dispose to stop receiving.</summary>
    public sealed class Subscription(WebchatLive owner, string key) : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0, 1);
        internal string Key { get; } = key;

        internal void Wake()
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { /* already signalled */ }
            catch (ObjectDisposedException) { /* stream ended */ }
        }

        /// <summary>True when woken, false on timeout.</summary>
        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

        public void Dispose()
        {
            owner.Unsubscribe(this);
            _signal.Dispose();
        }
    }
}
