using Clientele.Platform.Database;
using Clientele.Platform.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Modules.Analytics;

/// <summary>
/// Seed 002's periodic database work, hourly on whichever node gets the advisory lock first:
/// refresh mv_organization_metrics (concurrently, readers never block), create the coming
/// months' analytics_events partitions, and drop partitions past the 90-day retention.
/// </summary>
public sealed class MaintenanceJob(AppDataSource app, IConfiguration config, ILogger<MaintenanceJob> logger) : BackgroundService
{
    private const long LockKey = 0x436c6d61696e74; // "Clmaint"

    public static async Task<bool> RunOnceAsync(AppDataSource app, CancellationToken ct)
    {
        await using var conn = await app.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!(bool)(await new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({LockKey})", conn, tx).ExecuteScalarAsync(ct))!) return false;
        await new NpgsqlCommand("SELECT clientele_refresh_org_metrics()", conn, tx).ExecuteNonQueryAsync(ct);
        await new NpgsqlCommand("SELECT clientele_create_analytics_partitions(3)", conn, tx).ExecuteNonQueryAsync(ct);
        await new NpgsqlCommand("SELECT clientele_drop_old_analytics_partitions(interval '90 days')", conn, tx).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Maintenance:Enabled", true)) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(config.GetValue("Maintenance:IntervalMinutes", 60)));
        do
        {
            using var activity = ClienteleTelemetry.StartJob("maintenance");
            try
            {
                var ran = await RunOnceAsync(app, stoppingToken);
                if (ran) logger.LogInformation("Maintenance ran: metrics refreshed, analytics partitions kept current");
                ClienteleTelemetry.JobDone(activity, "maintenance", ran ? "done" : "skipped");
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                ClienteleTelemetry.JobDone(activity, "maintenance", "failed");
                logger.LogWarning(e, "Maintenance failed; will retry next interval");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
