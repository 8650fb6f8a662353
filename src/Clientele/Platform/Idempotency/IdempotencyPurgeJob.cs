using Clientele.Platform.Database;
using Clientele.Platform.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Idempotency;

/// <summary>Deletes Idempotency-Key records past their 24 hours, hourly (any node may run it; it is idempotent).</summary>
public sealed class IdempotencyPurgeJob(AppDataSource app, ILogger<IdempotencyPurgeJob> logger) : BackgroundService
{
    public static async Task<int> PurgeAsync(AppDataSource app, CancellationToken ct)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT clientele_purge_idempotency_keys()");
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            using var activity = ClienteleTelemetry.StartJob("idempotency-purge");
            try
            {
                var n = await PurgeAsync(app, stoppingToken);
                if (n > 0) logger.LogInformation("Purged {Count} expired idempotency keys", n);
                ClienteleTelemetry.JobDone(activity, "idempotency-purge", "done");
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                ClienteleTelemetry.JobDone(activity, "idempotency-purge", "failed");
                logger.LogWarning(e, "Purging idempotency keys failed; will retry");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
