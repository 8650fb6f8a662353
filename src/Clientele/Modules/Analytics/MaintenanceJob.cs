using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Analytics;

/// <summary>
/// Seed 002's periodic database work, the system job analytics.maintenance (hourly, one node; the advisory lock stays as a guard):
/// refresh mv_organization_metrics (concurrently, readers never block), create the coming
/// months' analytics_events partitions, and drop partitions past the 90-day retention.
/// </summary>
public static class MaintenanceJob
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
        await new NpgsqlCommand("SELECT clientele_purge_analytics_event_ids(interval '90 days')", conn, tx).ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
