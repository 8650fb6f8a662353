using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// Runs one attempt of one workflow step, in the outbox job's transaction with the execution row
/// locked: the action runs in a savepoint under the step's timeout; the step's log entry (input,
/// output, duration, attempts, errors) and the execution's cursor are written, and the next step
/// (after a delay step: at its time) or the retry (after retry_delay_seconds) is queued, all in one
/// commit. A canceled execution, or a duplicate of an attempt already handled, does nothing.
/// </summary>
public sealed class WorkflowStepJob(Outbox outbox, IServiceProvider services) : IJobHandler
{
    public const string TopicName = "workflows.step";
    public string Topic => TopicName;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var p = job.Read<StepPayload>();
        JsonArray log;
        JsonObject meta;
        Guid workflowId;
        await using (var cmd = await s.CommandAsync("SELECT workflow_id, execution_log::text, extra_metadata::text FROM workflow_executions WHERE organization_id = $1 AND id = $2 AND status = 'running' FOR UPDATE", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(p.ExecutionId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return; // canceled, finished or removed
            workflowId = r.GetGuid(0);
            log = (r.IsDBNull(1) ? null : JsonNode.Parse(r.GetString(1)) as JsonArray) ?? [];
            meta = JsonNode.Parse(r.GetString(2))!.AsObject();
        }
        if (meta["cursor"] is not JsonObject cursor || cursor["step"]?.GetValue<int>() != p.Step || cursor["attempt"]?.GetValue<int>() != p.Attempt) return;
        var steps = meta["steps"]!.AsArray();
        var step = steps[p.Step]!.AsObject();
        var type = step["type"]!.GetValue<string>();
        var entry = log.OfType<JsonObject>().FirstOrDefault(e => e["step"]?.GetValue<int>() == p.Step);
        if (entry is null)
        {
            entry = new JsonObject { ["step"] = p.Step, ["type"] = type, ["name"] = step["name"]?.DeepClone(), ["input"] = step.DeepClone(), ["errors"] = new JsonArray() };
            log.Add(entry);
        }
        entry["attempts"] = p.Attempt;
        entry["started_at"] ??= DateTime.UtcNow.ToString("O");

        var sw = Stopwatch.StartNew();
        var (output, error) = type == "delay"
            ? (new JsonObject { ["next_step_at"] = DateTime.UtcNow.AddSeconds(step["seconds"]!.GetValue<int>()).ToString("O") }, null)
            : await RunActionAsync(s, step, Target(workflowId, p.ExecutionId, meta), ct);
        entry["duration_ms"] = sw.ElapsedMilliseconds;

        string status = "running";
        string? failure = null;
        JsonObject? next = null;
        DateTime? nextAt = null;
        if (error is null)
        {
            entry["status"] = "succeeded";
            entry["output"] = output;
            entry["error"] = null;
            if (p.Step + 1 < steps.Count)
            {
                next = new JsonObject { ["step"] = p.Step + 1, ["attempt"] = 1 };
                nextAt = type == "delay" ? DateTime.UtcNow.AddSeconds(step["seconds"]!.GetValue<int>()) : null;
            }
            else status = "completed";
        }
        else
        {
            entry["error"] = error;
            entry["errors"]!.AsArray().Add(new JsonObject { ["attempt"] = p.Attempt, ["error"] = error, ["at"] = DateTime.UtcNow.ToString("O") });
            if (p.Attempt <= (WorkflowDefinition.Int(step["retries"]) ?? 0))
            {
                entry["status"] = "retrying";
                next = new JsonObject { ["step"] = p.Step, ["attempt"] = p.Attempt + 1 };
                nextAt = DateTime.UtcNow.AddSeconds(WorkflowDefinition.Int(step["retry_delay_seconds"]) ?? Math.Min(60, 1 << Math.Min(6, p.Attempt - 1)));
            }
            else
            {
                entry["status"] = "failed";
                status = "failed";
                failure = $"step {p.Step + 1} ({type}) failed after {p.Attempt} attempt(s): {error}";
            }
        }
        meta["cursor"] = next;
        await using (var upd = await s.CommandAsync("""
            UPDATE workflow_executions SET status = $3, execution_log = $4, extra_metadata = $5, error_message = $6,
              completed_at = CASE WHEN $3 <> 'running' THEN now() END, updated_at = now()
            WHERE organization_id = $1 AND id = $2
            """, ct))
        {
            upd.Parameters.AddWithValue(s.OrganizationId);
            upd.Parameters.AddWithValue(p.ExecutionId);
            upd.Parameters.AddWithValue(status);
            upd.Parameters.Add(new NpgsqlParameter { Value = log.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            upd.Parameters.Add(new NpgsqlParameter { Value = meta.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            upd.Parameters.Add(new NpgsqlParameter { Value = (object?)failure ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await upd.ExecuteNonQueryAsync(ct);
        }
        if (next is not null)
            await outbox.EnqueueAsync(s, TopicName, new StepPayload(p.ExecutionId, next["step"]!.GetValue<int>(), next["attempt"]!.GetValue<int>()), ct, nextAt);
    }

    private static ActionTarget Target(Guid workflowId, Guid executionId, JsonObject meta)
    {
        var input = meta["input"] as JsonObject ?? [];
        Guid? Id(string key) => OutboundActions.IdOf(input[key]);
        return new ActionTarget(workflowId, meta["workflow_name"]?.ToString() ?? "workflow", OutboundActions.IdOf(meta["owner_user_id"]),
            executionId, input["event_type"]?.ToString() ?? "workflow.run", Id("customer_id"), Id("conversation_id"),
            input["event"] as JsonObject ?? new JsonObject { ["type"] = "workflow.run", ["resource_type"] = input["resource_type"]?.DeepClone(), ["resource_id"] = input["resource_id"]?.DeepClone() },
            "workflow");
    }

    /// <summary>The action in a savepoint under the step's timeout; a failure rolls back only its own writes.</summary>
    private async Task<(JsonObject? Output, string? Error)> RunActionAsync(TenantSession s, JsonObject step, ActionTarget target, CancellationToken ct)
    {
        var timeout = WorkflowDefinition.Int(step["timeout_seconds"]) ?? WorkflowDefinition.DefaultTimeoutSeconds;
        await ExecAsync(s, "SAVEPOINT workflow_step", ct);
        var actor = s.Tenant.ActorType;
        s.Tenant.ActorType = "automation"; // what the step changes does not start triggers or workflows again
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(timeout));
            var output = await TriggerActions.RunAsync(s, step, target, services, limit.Token);
            await ExecAsync(s, "RELEASE SAVEPOINT workflow_step", ct);
            return (output, null);
        }
        // Any failure of the step (a malformed stored step included) fails the step in its log, never the outbox job.
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await ExecAsync(s, "ROLLBACK TO SAVEPOINT workflow_step", ct);
            return (null, e is OperationCanceledException || (e as PostgresException)?.SqlState == "57014" ? $"timed out after {timeout} s" : e.Message);
        }
        finally { s.Tenant.ActorType = actor; }
    }

    private static async Task ExecAsync(TenantSession s, string sql, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
