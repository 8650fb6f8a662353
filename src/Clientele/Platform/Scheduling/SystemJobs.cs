using Clientele.Platform.Database;
using Clientele.Platform.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Quartz;

namespace Clientele.Platform.Scheduling;

/// <summary>What a system job's code is handed: the firing it serves.</summary>
public sealed record SystemJobRun(string Name, DateTimeOffset? ScheduledFireTime, bool Recovering, string InstanceId, IServiceProvider Services);

/// <summary>
/// A platform job on the clustered scheduler: a Quartz cron (seconds first: "0 0 * * * ?" is
/// hourly) or a fixed interval (a module's <c>IScheduledWork</c>), and the code to run.
/// Registered with <see cref="SystemJobExtensions.AddSystemJob"/> or <c>AddScheduledWork</c>.
/// An interval of zero or less means "not scheduled" (the job's trigger is removed).
/// </summary>
public sealed record SystemJobDefinition(string Name, string? Cron, Func<SystemJobRun, CancellationToken, Task> Run, string? Description = null, TimeSpan? Interval = null);

public static class SystemJobExtensions
{
    public const string Group = "system";

    /// <summary>
    /// Registers a system job: it fires on one node of the cluster at each cron time (Quartz
    /// syntax, UTC), is re-run on another node if the node running it dies, and each run is
    /// logged in quartz.clientele_job_runs. The code must be idempotent (a recovered run repeats).
    /// </summary>
    public static IServiceCollection AddSystemJob(this IServiceCollection services, string name, string quartzCron,
        Func<SystemJobRun, CancellationToken, Task> run, string? description = null)
    {
        try { _ = new CronExpression(quartzCron); }
        catch (FormatException e) { throw new ArgumentException($"'{quartzCron}' is not a Quartz cron expression: {e.Message}", nameof(quartzCron), e); }
        return services.AddSingleton(new SystemJobDefinition(name, quartzCron, run, description));
    }
}

/// <summary>Schedules every registered system job at start (replacing its trigger if the cron changed).</summary>
internal sealed class SystemJobRegistrar(ISchedulerFactory factory, IEnumerable<SystemJobDefinition> jobs, IConfiguration config, ILogger<SystemJobRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!config.GetValue("Scheduler:Enabled", true)) return;
        var scheduler = await factory.GetScheduler(ct);
        foreach (var def in jobs)
        {
            var key = new TriggerKey(def.Name, SystemJobExtensions.Group);
            if (def.Interval is { } off && off <= TimeSpan.Zero)
            {
                await scheduler.UnscheduleJob(key, ct);
                continue;
            }
            var job = JobBuilder.Create<SystemJob>().WithIdentity(def.Name, SystemJobExtensions.Group)
                .WithDescription(def.Description ?? def.Name).StoreDurably().RequestRecovery().Build();
            var builder = TriggerBuilder.Create().WithIdentity(key).ForJob(job);
            var trigger = def.Interval is { } every
                // Like the hosted timer it replaces: the first run one interval after start.
                ? builder.StartAt(DateTimeOffset.UtcNow.Add(every))
                    .WithSimpleSchedule(x => x.WithInterval(every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)).Build()
                : builder.WithSchedule(CronScheduleBuilder.Create(def.Cron!).InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)).Build();
            var existing = await scheduler.GetTrigger(key, ct);
            if (existing is ICronTrigger c && def.Interval is null && c.CronExpressionString == def.Cron) continue;
            if (existing is ISimpleTrigger t && t.RepeatInterval == def.Interval) continue;
            try { await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, ct); }
            catch (ObjectAlreadyExistsException) { /* another node registered it at the same moment */ }
            logger.LogInformation("System job {Name} scheduled: {Schedule}", def.Name, def.Cron ?? $"every {def.Interval}");
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Runs one system job firing and logs it in quartz.clientele_job_runs.</summary>
[DisallowConcurrentExecution]
internal sealed class SystemJob(IEnumerable<SystemJobDefinition> jobs, AppDataSource app, IServiceProvider services, ILogger<SystemJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var name = context.JobDetail.Key.Name;
        var def = jobs.FirstOrDefault(j => j.Name == name);
        if (def is null) { logger.LogWarning("System job {Name} fired but is not registered on this node", name); return; }
        var instance = context.Scheduler.SchedulerInstanceId;
        await LogAsync("INSERT INTO quartz.clientele_job_runs (fire_instance_id, job_name, scheduled_fire_time, instance_id, recovering) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            ct, context.FireInstanceId, name, context.ScheduledFireTimeUtc?.UtcDateTime, instance, context.Recovering);
        using var activity = ClienteleTelemetry.StartJob(name);
        try
        {
            await def.Run(new SystemJobRun(name, context.ScheduledFireTimeUtc, context.Recovering, instance, services), ct);
            ClienteleTelemetry.JobDone(activity, name, "done");
            await LogAsync("UPDATE quartz.clientele_job_runs SET status = 'succeeded', finished_at = now() WHERE fire_instance_id = $1", CancellationToken.None, context.FireInstanceId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ClienteleTelemetry.JobDone(activity, name, "failed");
            logger.LogWarning(e, "System job {Name} failed", name);
            await LogAsync("UPDATE quartz.clientele_job_runs SET status = 'failed', finished_at = now(), error = $2 WHERE fire_instance_id = $1", CancellationToken.None,
                context.FireInstanceId, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task LogAsync(string sql, CancellationToken ct, params object?[] values)
    {
        try
        {
            await using var cmd = app.DataSource.CreateCommand(sql);
            foreach (var v in values)
                cmd.Parameters.Add(v is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz } : new NpgsqlParameter { Value = v });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e) { logger.LogWarning(e, "Could not log a system job run"); }
    }
}
