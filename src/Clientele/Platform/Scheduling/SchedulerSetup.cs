using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Clientele.Platform.Scheduling;

/// <summary>
/// One Quartz.NET scheduler per node, all sharing the clustered ADO job store in PostgreSQL
/// (schema quartz, migration 0031): a trigger fires on exactly one node, and the firings of a
/// node that stops checking in are recovered by another (jobs request recovery).
/// </summary>
public static class SchedulerSetup
{
    public static IServiceCollection AddClienteleScheduler(this IServiceCollection services, IConfiguration config, string appConnectionString)
    {
        var checkin = TimeSpan.FromMilliseconds(config.GetValue("Scheduler:CheckinIntervalMilliseconds", 5000));
        var deadAfter = TimeSpan.FromMilliseconds(config.GetValue("Scheduler:CheckinMisfireThresholdMilliseconds", 20000));
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "clientele";
                o.GenerateInstanceId = true;
                o.IdleWaitTime = TimeSpan.FromMilliseconds(Math.Max(1000, config.GetValue("Scheduler:IdleWaitMilliseconds", 5000)));
            });
            q.UseDefaultThreadPool(config.GetValue("Scheduler:Threads", 4));
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(appConnectionString);
                store.UseClustering(c => { c.CheckinInterval = checkin; c.CheckinMisfireThreshold = deadAfter; });
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "quartz.qrtz_";
                    // The migration owns the schema; the app role only checks it.
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.MisfireThreshold = TimeSpan.FromSeconds(config.GetValue("Scheduler:MisfireThresholdSeconds", 60));
                    // A firing cut short by this node stopping is handed to another node.
                    o.RecoverFiringsCancelledByShutdown = true;
                });
                store.UseSystemTextJsonSerializer();
            });
        });
        services.AddQuartzHostedService(o =>
        {
            o.AutoStart = config.GetValue("Scheduler:Enabled", true);
            o.WaitForJobsToComplete = false;
        });
        services.AddHostedService<SystemJobRegistrar>();
        return services;
    }
}
