using Clientele.Platform.Database;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Modules.Automation.Scheduling;

/// <summary>
/// The system job that makes every active scheduled task (whoever wrote it: API, demo data, a
/// restore) have its Quartz job: a task without one is scheduled at its next_run_at, or now if
/// that is missing or already past (an overdue task runs once, then follows its cron).
/// </summary>
public static class ScheduledTaskReconciler
{
    public static async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var app = services.GetRequiredService<AppDataSource>();
        var sessions = services.GetRequiredService<TenantSessions>();
        var scheduler = services.GetRequiredService<ScheduledTaskScheduler>();
        var tasks = new List<(Guid Org, Guid Id)>();
        await using (var cmd = app.DataSource.CreateCommand("SELECT organization_id, id FROM clientele_active_scheduled_tasks()"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) tasks.Add((r.GetGuid(0), r.GetGuid(1)));
        var scheduled = 0;
        foreach (var (org, id) in tasks)
        {
            if (await scheduler.IsScheduledAsync(id, ct)) continue;
            await using var s = sessions.Open(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner });
            await using var read = await s.ReadAsync("SELECT next_run_at FROM scheduled_tasks WHERE organization_id = $1 AND id = $2",
                [new NpgsqlParameter { Value = org }, new NpgsqlParameter { Value = id }], ct);
            if (!await read.ReadAsync(ct)) continue;
            var next = read.IsDBNull(0) ? DateTime.UtcNow : read.GetDateTime(0);
            await scheduler.SyncAsync(org, id, true, next < DateTime.UtcNow ? DateTime.UtcNow : next, ct);
            scheduled++;
        }
        return scheduled;
    }
}
