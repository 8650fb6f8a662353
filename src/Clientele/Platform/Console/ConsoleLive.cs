using System.Collections.Concurrent;
using System.Threading.Channels;
using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// Live console updates across app nodes: one dedicated connection per node LISTENs on
/// 'clientele_console' (notified at commit by the triggers of migration 0033 with
/// "&lt;organization id&gt;:&lt;conversation id&gt;") and hands the conversation id to every open stream
/// of that organization on this node. When the listener (re)connects, streams get Guid.Empty:
/// "something may have changed, refresh everything".
/// </summary>
public sealed class ConsoleLive(DatabaseSettings settings, ILogger<ConsoleLive> logger) : PgListener(settings, logger)
{
    public const string ChannelName = "clientele_console";
    protected override string ListenChannel => ChannelName;
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

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

    protected override void OnNotification(string payload)
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

    // (Re)connected or lost: streams refresh everything, since notifications may have been missed.
    protected override void OnListening() => WakeAll();
    protected override void OnDeaf() => WakeAll();

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
