using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// Starting a workflow run: a workflow_executions row (status running) holding a snapshot of the
/// steps, what started it and its input, plus the outbox row for its first step, in the caller's
/// transaction. Each step then runs as its own outbox job (<see cref="WorkflowStepJob"/>).
/// </summary>
public static class WorkflowExecutions
{
    /// <summary>Starts a run of an active workflow; null when there is no such active workflow (or this event already started it).</summary>
    public static async Task<Guid?> StartAsync(TenantSession s, Outbox outbox, Guid workflowId, string startedBy, JsonObject input, CancellationToken ct, Guid? eventId = null)
    {
        await s.BeginAsync(ct);
        string name, steps;
        Guid? owner;
        await using (var cmd = await s.CommandAsync("""
            SELECT w.name, w.actions::text, w.created_by FROM workflows w
            WHERE w.organization_id = $1 AND w.id = $2 AND w.is_active AND w.deleted_at IS NULL
              AND ($3::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM workflow_executions x WHERE x.organization_id = $1 AND x.workflow_id = $2 AND x.extra_metadata->>'event_id' = $3::text))
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(workflowId);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)eventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            (name, steps, owner) = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2));
        }
        var stepList = JsonNode.Parse(steps) as JsonArray ?? [];
        var id = Guid.CreateVersion7();
        var meta = new JsonObject
        {
            ["started_by"] = startedBy, ["workflow_name"] = name, ["owner_user_id"] = owner, ["event_id"] = eventId,
            ["input"] = input.DeepClone(), ["steps"] = stepList.DeepClone(),
            ["cursor"] = stepList.Count == 0 ? null : new JsonObject { ["step"] = 0, ["attempt"] = 1 },
        };
        await using (var ins = await s.CommandAsync("""
            INSERT INTO workflow_executions (id, organization_id, workflow_id, status, execution_log, extra_metadata, created_by, completed_at)
            VALUES ($1, $2, $3, CASE WHEN $6 THEN 'completed' ELSE 'running' END, '[]'::jsonb, $4, $5, CASE WHEN $6 THEN now() END)
            """, ct))
        {
            ins.Parameters.AddWithValue(id);
            ins.Parameters.AddWithValue(s.OrganizationId);
            ins.Parameters.AddWithValue(workflowId);
            ins.Parameters.Add(new Npgsql.NpgsqlParameter { Value = meta.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            ins.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)(s.Tenant.ActorType == "user" ? s.Tenant.UserId : null) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            ins.Parameters.AddWithValue(stepList.Count == 0);
            await ins.ExecuteNonQueryAsync(ct);
        }
        if (stepList.Count > 0) await outbox.EnqueueAsync(s, WorkflowStepJob.TopicName, new StepPayload(id, 0, 1), ct);
        return id;
    }
}

/// <summary>One step attempt of one execution (the outbox payload).</summary>
public sealed record StepPayload(Guid ExecutionId, int Step, int Attempt);
