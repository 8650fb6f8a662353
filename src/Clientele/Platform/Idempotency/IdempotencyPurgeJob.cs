using Clientele.Platform.Database;

namespace Clientele.Platform.Idempotency;

/// <summary>Deletes Idempotency-Key records past their 24 hours: the system job platform.idempotency_purge (hourly, one node).</summary>
public static class IdempotencyPurgeJob
{
    public static async Task<int> PurgeAsync(AppDataSource app, CancellationToken ct)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT clientele_purge_idempotency_keys()");
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
