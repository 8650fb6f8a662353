using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// A time_based workflow runs through a scheduled task (task_type workflow, parameters.workflow_id):
/// the same clustered Quartz firing as any task, whose scheduled_task.fired event starts the run.
/// Saving the workflow creates or updates that task; another trigger_type or is_active=false deactivates it.
/// </summary>
public static class WorkflowSchedule
{
    public static async Task SyncAsync(TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler, JsonObject workflow, CancellationToken ct)
    {
        var workflowId = Guid.Parse(workflow["id"]!.ToString());
        var config = workflow["trigger_config"] as JsonObject;
        var timed = workflow["trigger_type"]?.ToString() == "time_based" && workflow["is_active"]?.GetValue<bool>() == true;
        var schedule = config?["schedule"]?.ToString();
        var zoneText = config?["time_zone"]?.ToString();
        await using var s = sessions.Open(tenant);
        await s.BeginAsync(ct);
        DateTime? next = null;
        if (timed)
        {
            var cron = TaskSchedule.TryParse(schedule, out _);
            var zone = TaskSchedule.Zone(await ScheduledTaskScheduler.ZoneIdAsync(s, zoneText, ct));
            if (cron is not null && zone is not null) next = TaskSchedule.Next(cron, DateTime.UtcNow, zone);
        }
        await using var cmd = await s.CommandAsync("""
            WITH existing AS (
              UPDATE scheduled_tasks SET schedule = coalesce($4, schedule), is_active = $5, next_run_at = $6,
                parameters = jsonb_strip_nulls(jsonb_build_object('workflow_id', $3::text, 'time_zone', $7::text)), updated_at = now()
              WHERE organization_id = $1 AND task_type = 'workflow' AND parameters->>'workflow_id' = $3::text AND deleted_at IS NULL
              RETURNING id)
            INSERT INTO scheduled_tasks (id, organization_id, task_name, task_type, schedule, parameters, is_active, next_run_at)
            SELECT $2, $1, left('workflow: ' || $8, 100), 'workflow', $4, jsonb_strip_nulls(jsonb_build_object('workflow_id', $3::text, 'time_zone', $7::text)), $5, $6
            WHERE $5 AND NOT EXISTS (SELECT 1 FROM existing)
            RETURNING id
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7());
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)schedule ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.AddWithValue(timed && next is not null);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)next ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)zoneText ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(workflow["name"]?.ToString() ?? "");
        var created = await cmd.ExecuteScalarAsync(ct) as Guid?;
        Guid? taskId = created;
        if (taskId is null)
        {
            await using var find = await s.CommandAsync("SELECT id FROM scheduled_tasks WHERE organization_id = $1 AND task_type = 'workflow' AND parameters->>'workflow_id' = $2::text AND deleted_at IS NULL", ct);
            find.Parameters.AddWithValue(s.OrganizationId);
            find.Parameters.AddWithValue(workflowId);
            taskId = await find.ExecuteScalarAsync(ct) as Guid?;
        }
        await s.CommitAsync(ct);
        if (taskId is { } task) await scheduler.SyncAsync(tenant.OrganizationId, task, timed && next is not null, next, ct);
    }
}
