using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Wakes this node's workers when any node commits due work: LISTEN on 'clientele_outbox' (notified
/// at commit by the outbox trigger of migration 0029 and the inbound_events trigger of 0100).
/// Work committed on this node wakes the workers directly (Outbox → OutboxSignal); the poll
/// (Outbox__PollMilliseconds) remains for retries, delayed rows and a listener that is reconnecting.
/// </summary>
public sealed class OutboxListener(DatabaseSettings settings, OutboxSignal signal, IConfiguration config, ILogger<OutboxListener> logger)
    : PgListener(settings, logger)
{
    public const string ChannelName = "clientele_outbox";
    protected override string ListenChannel => ChannelName;
    protected override bool Enabled => config.GetValue("Outbox:Enabled", true);
    protected override void OnNotification(string payload) => signal.Wake();
    protected override void OnListening() => signal.Wake(); // whatever committed while we were not listening
}
