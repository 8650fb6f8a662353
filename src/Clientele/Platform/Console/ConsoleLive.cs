using System.Collections.Concurrent;
using System.Threading.Channels;
using Clientele.Platform.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// Live console updates across app nodes: one dedicated connection per node LISTENs on
/// 'clientele_console' (notified at commit by the triggers of migration 0033 with
/// "&lt;organization id&gt;:&lt;conversation id&gt;") and hands the conversation id to every open stream
/// of that organization on this node. When the listener (re)connects, streams get Guid.Empty:
/// "something may have changed, refresh everything".
/// </summary>
public sealed class ConsoleLive(DatabaseSettings settings, ILogger<ConsoleLive> logger) : BackgroundService
{
    public const string ChannelName = "clientele_console";
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

    public bool IsListening { get; private set; }

    public Subscription Subscribe(Guid organizationId)
    {
        var sub = new Subscription(this, organizationId);
        _subscribers.GetOrAdd(organizationId, _ => new()).TryAdd(sub, 0);
        return sub;
    }

    private void Unsubscribe(Subscription sub)
    {
        if (!_subscribers.TryGetValue(sub.OrganizationId, out var set)) return;
        set.TryRemove(sub, out _);
        if (set.IsEmpty) _subscribers.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Subscription, byte>>(sub.OrganizationId, set));
    }

    private void Dispatch(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Guid.TryParse(payload.AsSpan(0, colon), out var org) || !Guid.TryParse(payload.AsSpan(colon + 1), out var conversation)) return;
        if (_subscribers.TryGetValue(org, out var set))
            foreach (var sub in set.Keys) sub.Post(conversation);
    }

    private void WakeAll()
    {
        foreach (var set in _subscribers.Values)
            foreach (var sub in set.Keys) sub.Post(Guid.Empty);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cs = new NpgsqlConnectionStringBuilder(settings.AppConnectionString) { Pooling = false, ApplicationName = "clientele-console-listener", KeepAlive = 30 };
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
                WakeAll();
                while (!stoppingToken.IsCancellationRequested)
                {
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
                if (IsListening) logger.LogWarning(e, "Console listener lost its connection; reconnecting");
                IsListening = false;
                WakeAll();
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2));
            }
        }
        IsListening = false;
    }

    /// <summary>One open stream's queue of changed conversation ids (bounded: a slow reader loses detail, then refreshes all).</summary>
    public sealed class Subscription(ConsoleLive owner, Guid organizationId) : IDisposable
    {
        private readonly Channel<Guid> _changes = Channel.CreateBounded<Guid>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        internal Guid OrganizationId { get; } = organizationId;
        public ChannelReader<Guid> Changes => _changes.Reader;
        internal void Post(Guid conversationId) => _changes.Writer.TryWrite(conversationId);

        public void Dispose()
        {
            owner.Unsubscribe(this);
            _changes.Writer.TryComplete();
        }
    }
}
