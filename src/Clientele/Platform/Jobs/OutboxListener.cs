using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Wakes this node's outbox workers when any node commits due work: one dedicated connection
/// LISTENs on 'clientele_outbox' (notified at commit by the outbox trigger of migration 0029).
/// Work committed on this node wakes the workers directly (Outbox → OutboxSignal); the poll
/// (Outbox__PollMilliseconds) remains for retries, delayed rows and a listener that is reconnecting.
/// </summary>
public sealed class OutboxListener(DatabaseSettings settings, OutboxSignal signal, IConfiguration config, ILogger<OutboxListener> logger) : BackgroundService
{
    public const string ChannelName = "clientele_outbox";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Outbox:Enabled", true)) return;
        var cs = new NpgsqlConnectionStringBuilder(settings.AppConnectionString) { Pooling = false, ApplicationName = "clientele-outbox-listener", KeepAlive = 30 };
        var delay = TimeSpan.FromMilliseconds(250);
        var listening = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, _) => signal.Wake();
                await using (var listen = new NpgsqlCommand("LISTEN " + ChannelName, conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                listening = true;
                delay = TimeSpan.FromMilliseconds(250);
                signal.Wake(); // whatever committed while we were not listening
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
                if (listening) logger.LogWarning(e, "Outbox listener lost its connection; reconnecting (workers poll meanwhile)");
                listening = false;
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2));
            }
        }
    }
}
