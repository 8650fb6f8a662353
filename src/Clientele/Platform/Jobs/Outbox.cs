using System.Text.Json;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Platform.Jobs;

/// <summary>Writes outbox rows inside the caller's transaction and wakes the workers when it commits.</summary>
public sealed class Outbox(OutboxSignal signal)
{
    public async Task<Guid> EnqueueAsync(TenantSession s, string topic, object payload, CancellationToken ct, DateTime? availableAt = null, int maxAttempts = 8)
    {
        var id = Guid.CreateVersion7();
        await using var cmd = await s.CommandAsync(
            "INSERT INTO outbox (id, organization_id, topic, payload, available_at, max_attempts) VALUES ($1, $2, $3, $4, coalesce($5, now()), $6)", ct);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(topic);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = payload as string ?? JsonSerializer.Serialize(payload, JobJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)availableAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.AddWithValue(maxAttempts);
        await cmd.ExecuteNonQueryAsync(ct);
        s.OnCommitted(signal.Wake);
        return id;
    }
}

/// <summary>Wakes idle workers on this node when work was committed here (others poll).</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { /* already awake */ }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

public static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
