using Clientele.Platform.Database;
using Quartz;

namespace Clientele.Modules.Automation.Scheduling;

/// <summary>
/// Keeps one durable Quartz job per active scheduled task ("task:{id}" in group scheduled_tasks)
/// with a one-shot trigger at the row's next_run_at. Cronos owns the schedule (5-field cron in the
/// org's zone, which Quartz's seconds-first syntax cannot take as is); Quartz owns the firing:
/// clustered, exactly once, recovered if the node running it dies. Each run schedules the next.
/// </summary>
public sealed class ScheduledTaskScheduler(ISchedulerFactory factory)
{
    public const string Group = "scheduled_tasks";

    public static JobKey KeyOf(Guid taskId) => new($"task:{taskId}", Group);

    /// <summary>Replaces the task's job and trigger (none when inactive or without a next run).</summary>
    public async Task SyncAsync(Guid organizationId, Guid taskId, bool active, DateTime? nextRunAtUtc, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await DeleteAsync(scheduler, taskId, ct);
        if (!active || nextRunAtUtc is not { } next) return;
        var job = JobBuilder.Create<ScheduledTaskJob>().WithIdentity(KeyOf(taskId)).StoreDurably().RequestRecovery()
            .UsingJobData("organization_id", organizationId.ToString()).UsingJobData("task_id", taskId.ToString()).Build();
        await scheduler.ScheduleJob(job, TriggerAt(taskId, next), ScheduleJobOptions.Replacing, ct);
    }

    /// <summary>Adds the next one-shot trigger to an existing task job (called by the job itself).</summary>
    public async Task ScheduleNextAsync(Guid taskId, DateTime nextRunAtUtc, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await scheduler.ScheduleJob(TriggerAt(taskId, nextRunAtUtc), ScheduleJobOptions.Replacing, ct);
    }

    public async Task<bool> IsScheduledAsync(Guid taskId, CancellationToken ct) =>
        await (await factory.GetScheduler(ct)).Exists(KeyOf(taskId), ct);

    public async Task RemoveAsync(Guid taskId, CancellationToken ct) => await DeleteAsync(await factory.GetScheduler(ct), taskId, ct);

    /// <summary>
    /// Deletes the task's job. The clustered store can refuse while a node is firing the same trigger
    /// (seen in CI: "Unable to unschedule trigger"); a short retry gets past the firing instead of a 500.
    /// </summary>
    private static async Task DeleteAsync(IScheduler scheduler, Guid taskId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { await scheduler.DeleteJob(KeyOf(taskId), ct); return; }
            catch (SchedulerException) when (attempt < 4) { await Task.Delay(200 * attempt, ct); }
        }
    }

    // A key per fire time: the trigger that is firing completes on its own, never replaced under it.
    private static ITrigger TriggerAt(Guid taskId, DateTime utc) =>
        TriggerBuilder.Create().WithIdentity($"task:{taskId}:{utc.Ticks}", Group).ForJob(KeyOf(taskId))
            .StartAt(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))).Build();

    /// <summary>The zone a task runs in: parameters.time_zone, else the organization's settings.timezone, else UTC.</summary>
    public static async Task<string?> ZoneIdAsync(TenantSession s, string? taskZone, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(taskZone)) return taskZone;
        await using var cmd = await s.CommandAsync("SELECT settings->>'timezone' FROM organizations WHERE id = $1", ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
