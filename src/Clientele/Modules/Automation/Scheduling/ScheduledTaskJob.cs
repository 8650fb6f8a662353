using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Clientele.Modules.Automation.Scheduling;

/// <summary>
/// One firing of a scheduled task, on whichever node Quartz gave it to: stamps last_run_at, moves
/// next_run_at to the next cron time, publishes scheduled_task.fired (event-based workflows,
/// triggers and webhooks act on it) in the same transaction, then adds the next trigger. A
/// recovered firing whose run already committed only re-adds the next trigger.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledTaskJob(TenantSessions sessions, ScheduledTaskScheduler scheduler, ILogger<ScheduledTaskJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var org = Guid.Parse(context.MergedJobDataMap.GetString("organization_id")!);
        var taskId = Guid.Parse(context.MergedJobDataMap.GetString("task_id")!);
        var scheduledFor = context.ScheduledFireTimeUtc?.UtcDateTime ?? DateTime.UtcNow;
        await using var s = sessions.Open(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner });
        string schedule, zoneId;
        DateTime? lastRun;
        await using (var cmd = await s.CommandAsync("""
            SELECT schedule, parameters->>'time_zone', last_run_at FROM scheduled_tasks
            WHERE organization_id = $1 AND id = $2 AND is_active AND deleted_at IS NULL FOR UPDATE
            """, ct))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(taskId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                await r.DisposeAsync();
                await s.RollbackAsync(ct);
                await scheduler.RemoveAsync(taskId, ct); // deleted or deactivated since it was scheduled
                return;
            }
            schedule = r.GetString(0);
            zoneId = r.IsDBNull(1) ? "" : r.GetString(1);
            lastRun = r.IsDBNull(2) ? null : r.GetDateTime(2);
        }
        var cron = TaskSchedule.TryParse(schedule, out var error);
        var zone = TaskSchedule.Zone(await ScheduledTaskScheduler.ZoneIdAsync(s, zoneId, ct));
        if (cron is null || zone is null)
        {
            logger.LogWarning("Scheduled task {Task} of {Org} cannot run: schedule {Error}", taskId, org, error ?? "time zone unknown");
            await s.RollbackAsync(ct);
            await scheduler.RemoveAsync(taskId, ct);
            return;
        }
        var next = TaskSchedule.Next(cron, DateTime.UtcNow, zone);
        var alreadyRan = context.Recovering && lastRun >= scheduledFor;
        if (!alreadyRan)
        {
            await using (var upd = await s.CommandAsync("UPDATE scheduled_tasks SET last_run_at = now(), next_run_at = $3 WHERE organization_id = $1 AND id = $2", ct))
            {
                upd.Parameters.AddWithValue(org);
                upd.Parameters.AddWithValue(taskId);
                upd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)next ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                await upd.ExecuteNonQueryAsync(ct);
            }
            await DomainEvents.PublishRowAsync(s, "scheduled_tasks", taskId, ct, null, "scheduled_task.fired");
        }
        await s.CommitAsync(ct);
        if (next is { } n) await scheduler.ScheduleNextAsync(taskId, n, ct);
    }
}
