using System.Text.Json;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Platform.Jobs;

/// <summary>Writes outbox rows inside the caller's transaction and wakes the workers when it commits.</summary>
public sealed class Outbox(OutboxSignal signal)
{
    private const string InsertSql = "INSERT INTO outbox (id, organization_id, topic, payload, available_at, max_attempts) VALUES ($1, $2, $3, $4, coalesce($5, now()), $6)";

    public async Task<Guid> EnqueueAsync(TenantSession s, string topic, object payload, CancellationToken ct, DateTime? availableAt = null, int maxAttempts = 8)
    {
        var id = Guid.CreateVersion7();
        await using var cmd = await s.CommandAsync(InsertSql, ct);
        foreach (var p in Parameters(id, s.OrganizationId, topic, payload, availableAt, maxAttempts)) cmd.Parameters.Add(p);
        await cmd.ExecuteNonQueryAsync(ct);
        s.OnCommitted(signal.Wake);
        return id;
    }

    /// <summary>The same row as a command for the caller's batch (one round trip with its other writes).</summary>
    public Npgsql.NpgsqlBatchCommand Command(TenantSession s, string topic, object payload, DateTime? availableAt = null, int maxAttempts = 8)
    {
        var cmd = new Npgsql.NpgsqlBatchCommand(InsertSql);
        foreach (var p in Parameters(Guid.CreateVersion7(), s.OrganizationId, topic, payload, availableAt, maxAttempts)) cmd.Parameters.Add(p);
        s.OnCommitted(signal.Wake);
        return cmd;
    }

    private static IEnumerable<Npgsql.NpgsqlParameter> Parameters(Guid id, Guid organizationId, string topic, object payload, DateTime? availableAt, int maxAttempts)
    {
        yield return new Npgsql.NpgsqlParameter { Value = id };
        yield return new Npgsql.NpgsqlParameter { Value = organizationId };
        yield return new Npgsql.NpgsqlParameter { Value = topic };
        yield return new Npgsql.NpgsqlParameter { Value = payload as string ?? JsonSerializer.Serialize(payload, JobJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb };
        yield return new Npgsql.NpgsqlParameter { Value = (object?)availableAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };
        yield return new Npgsql.NpgsqlParameter { Value = maxAttempts };
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
