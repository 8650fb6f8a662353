using System.Diagnostics;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Modules.Success.Copilot;

/// <summary>Whom the copilot's steps are about: the customer, the CSM, the session (agent_activity_log.session_id is text).</summary>
public sealed record ActivityScope(Guid? CustomerId, Guid? UserId, Guid? SessionId)
{
    public const string AgentType = "copilot";
}

/// <summary>
/// One step in agent_activity_log, written in the caller's transaction: Start inserts it as
/// running (so that children can name it as parent_action_id), Complete/Fail set the outcome,
/// completed_at and duration_ms from a monotonic clock.
/// </summary>
public sealed class ActivityStep
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTime _startedAt;
    private readonly TenantSession _s;

    private ActivityStep(TenantSession s, Guid id, DateTime startedAt) => (_s, Id, _startedAt) = (s, id, startedAt);

    public Guid Id { get; }
    public int ElapsedMs => (int)Math.Round(_clock.Elapsed.TotalMilliseconds);

    public static async Task<ActivityStep> StartAsync(TenantSession s, ActivityScope scope, string actionType, JsonObject? data, Guid? parentId, CancellationToken ct)
    {
        // Microsecond precision: PostgreSQL keeps no more, and completed_at >= started_at must hold after the round trip.
        var now = DateTime.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));
        var step = new ActivityStep(s, Guid.CreateVersion7(), now);
        await s.ExecuteAsync("""
            INSERT INTO agent_activity_log (id, organization_id, customer_id, user_id, agent_type, action_type, action_data, status, started_at, session_id, parent_action_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10)
            """,
            [step.Id, s.OrganizationId, SqlArg.Uuid(scope.CustomerId), SqlArg.Uuid(scope.UserId), ActivityScope.AgentType, actionType, SqlArg.Jsonb(data), now,
             SqlArg.Typed(scope.SessionId?.ToString(), NpgsqlDbType.Varchar), SqlArg.Uuid(parentId)], ct);
        return step;
    }

    public Task CompleteAsync(JsonObject? result, CancellationToken ct) => FinishAsync("completed", result, null, ct);

    public Task FailAsync(string error, JsonObject? result, CancellationToken ct) => FinishAsync("failed", result, error, ct);

    private async Task FinishAsync(string status, JsonObject? result, string? error, CancellationToken ct)
    {
        var duration = ElapsedMs;
        await _s.ExecuteAsync("""
            UPDATE agent_activity_log SET status = $3, result_data = $4, error_message = $5, completed_at = $6, duration_ms = $7
            WHERE organization_id = $1 AND id = $2
            """,
            [_s.OrganizationId, Id, status, SqlArg.Jsonb(result), SqlArg.Text(error), _startedAt.AddTicks(TimeSpan.TicksPerMillisecond * duration), duration], ct);
    }
}
