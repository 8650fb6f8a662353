using Clientele.Platform.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Recurring work of a module, run every <see cref="Interval"/> as a system job on the clustered
/// Quartz scheduler (<see cref="ScheduledWorkRegistration.AddScheduledWork{T}"/>): one node runs
/// each firing, and a firing cut short by a dead node is re-run on another, so the work must be
/// idempotent. An interval of zero or less turns it off.
/// </summary>
public interface IScheduledWork
{
    string Name { get; }
    TimeSpan Interval { get; }
    Task RunAsync(CancellationToken ct);
}

public static class ScheduledWorkRegistration
{
    /// <summary>Registers the work as a system job named <see cref="IScheduledWork.Name"/> (logged in quartz.clientele_job_runs).</summary>
    public static IServiceCollection AddScheduledWork<T>(this IServiceCollection services) where T : class, IScheduledWork
    {
        services.AddSingleton<T>();
        services.AddSingleton<IScheduledWork>(sp => sp.GetRequiredService<T>());
        services.AddSingleton(sp =>
        {
            var work = sp.GetRequiredService<T>();
            return new SystemJobDefinition(work.Name, null, (_, ct) => work.RunAsync(ct), $"{work.Name} (every {work.Interval})", work.Interval);
        });
        return services;
    }
}
