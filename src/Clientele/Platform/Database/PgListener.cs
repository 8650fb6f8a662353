using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Database;

/// <summary>
/// A node's LISTEN on one PostgreSQL channel, on a dedicated unpooled connection: reconnects with
/// backoff (250 ms doubling to 10 s), pings after a quiet minute so a dead connection is noticed,
/// and tells the subclass when it starts listening and when it went deaf, because notifications
/// sent meanwhile are lost and whoever relies on them must refresh (or stop trusting a cache).
/// Every cross-node signal (outbox wake-ups, credential invalidation, console and webchat live
/// updates, notifications) uses this one loop.
/// </summary>
public abstract class PgListener(DatabaseSettings settings, ILogger logger) : BackgroundService
{
    /// <summary>The channel name (a fixed identifier, never user input).</summary>
    protected abstract string ListenChannel { get; }

    /// <summary>False to not listen at all on this node (e.g. background work switched off).</summary>
    protected virtual bool Enabled => true;

    /// <summary>True while the connection is up and listening.</summary>
    public bool IsListening { get; private set; }

    /// <summary>One notification's payload; called on the connection's thread, so keep it short.</summary>
    protected abstract void OnNotification(string payload);

    /// <summary>Now listening (first time or after a loss): whatever was notified meanwhile was missed.</summary>
    protected virtual void OnListening() { }

    /// <summary>The connection was lost (or the host is stopping): nothing arrives until <see cref="OnListening"/>.</summary>
    protected virtual void OnDeaf() { }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        var cs = new NpgsqlConnectionStringBuilder(settings.AppConnectionString)
        {
            Pooling = false, ApplicationName = "clientele-" + ListenChannel.Replace("clientele_", "", StringComparison.Ordinal) + "-listener", KeepAlive = 30,
        };
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + ListenChannel, conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                IsListening = true;
                delay = TimeSpan.FromMilliseconds(250);
                OnListening();
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
                if (IsListening) logger.LogWarning(e, "Listener on {Channel} lost its connection; reconnecting", ListenChannel);
                IsListening = false;
                OnDeaf();
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2));
            }
        }
        IsListening = false;
        OnDeaf();
    }
}
