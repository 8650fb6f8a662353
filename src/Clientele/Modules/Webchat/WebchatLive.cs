using System.Collections.Concurrent;
using Clientele.Platform.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Modules.Webchat;

/// <summary>
/// Live updates for visitors' event streams across app nodes: one dedicated connection per node
/// LISTENs on 'clientele_webchat' (notified at commit by the messages trigger of migration 0020 with
/// "&lt;channel id&gt;:&lt;visitor id&gt;") and wakes the streams of that visitor on this node, which
/// then read the new rows. Streams also re-read on a slow safety timer, and all of them are woken
/// whenever the listener (re)connects, so a notification lost while it was down costs seconds, not messages.
/// </summary>
public sealed class WebchatLive(DatabaseSettings settings, ILogger<WebchatLive> logger) : BackgroundService
{
    public const string ChannelName = "clientele_webchat";
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

    /// <summary>True while the listener is connected (streams poll faster while it is not).</summary>
    public bool IsListening { get; private set; }

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

    private void Dispatch(string key)
    {
        if (_subscribers.TryGetValue(key, out var set))
            foreach (var sub in set.Keys) sub.Wake();
    }

    private void WakeAll()
    {
        foreach (var set in _subscribers.Values)
            foreach (var sub in set.Keys) sub.Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cs = new NpgsqlConnectionStringBuilder(settings.AppConnectionString) { Pooling = false, ApplicationName = "clientele-webchat-listener", KeepAlive = 30 };
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChannelName, conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                IsListening = true;
                delay = TimeSpan.FromMilliseconds(250);
                WakeAll(); // whatever committed while we were not listening
                while (!stoppingToken.IsCancellationRequested)
                {
                    // A quiet minute: prove the connection is alive (a dead one throws and reconnects).
                    if (!await conn.WaitAsync(TimeSpan.FromSeconds(60), stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", conn);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                if (IsListening) logger.LogWarning(e, "Webchat listener lost its connection; reconnecting");
                IsListening = false;
                WakeAll();
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2));
            }
        }
        IsListening = false;
    }

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
