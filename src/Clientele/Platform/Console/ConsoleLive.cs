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
/// The same channel carries "bell:&lt;organization id&gt;:&lt;user id&gt;" when a user's notifications change
/// (migration 0090), for the console's notification bell.
/// </summary>
public sealed class ConsoleLive(DatabaseSettings settings, ILogger<ConsoleLive> logger) : PgListener(settings, logger)
{
    public const string ChannelName = "clientele_console";
    /// <summary>Payload prefix of the bell's notices on the same channel: "bell:&lt;organization id&gt;:&lt;user id&gt;" (migration 0090).</summary>
    public const string NotificationsChannel = "bell";
    protected override string ListenChannel => ChannelName;
    private readonly ConcurrentDictionary<(string Channel, Guid Org), ConcurrentDictionary<Subscription, byte>> _subscribers = new();

    /// <summary>The organization's changes: conversation ids (<see cref="ChannelName"/>) or, for the bell, user ids (<see cref="NotificationsChannel"/>).</summary>
    public Subscription Subscribe(Guid organizationId, string channel = ChannelName)
    {
        var sub = new Subscription(this, organizationId, channel);
        _subscribers.GetOrAdd((channel, organizationId), _ => new()).TryAdd(sub, 0);
        return sub;
    }

    private void Unsubscribe(Subscription sub)
    {
        var key = (sub.ListenChannel, sub.OrganizationId);
        if (!_subscribers.TryGetValue(key, out var set)) return;
        set.TryRemove(sub, out _);
        if (set.IsEmpty) _subscribers.TryRemove(new KeyValuePair<(string, Guid), ConcurrentDictionary<Subscription, byte>>(key, set));
    }

    protected override void OnNotification(string payload)
    {
        var channel = ChannelName;
        if (payload.StartsWith(NotificationsChannel + ":", StringComparison.Ordinal)) (channel, payload) = (NotificationsChannel, payload[(NotificationsChannel.Length + 1)..]);
        Dispatch(channel, payload);
    }

    private void Dispatch(string channel, string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Guid.TryParse(payload.AsSpan(0, colon), out var org) || !Guid.TryParse(payload.AsSpan(colon + 1), out var conversation)) return;
        if (_subscribers.TryGetValue((channel, org), out var set))
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
    public sealed class Subscription(ConsoleLive owner, Guid organizationId, string channel) : IDisposable
    {
        internal string ListenChannel { get; } = channel;
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
