using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Recurring work of a module. Today a hosted timer runs it (<see cref="HostedTimerScheduler"/>);
/// when Quartz.NET lands, the registration in <see cref="ScheduledWorkRegistration.AddScheduledWork{T}"/>
/// changes to a Quartz job and the work itself stays as it is.
/// </summary>
public interface IScheduledWork
{
    string Name { get; }
    TimeSpan Interval { get; }
    Task RunAsync(CancellationToken ct);
}

public static class ScheduledWorkRegistration
{
    public static IServiceCollection AddScheduledWork<T>(this IServiceCollection services) where T : class, IScheduledWork
    {
        services.AddSingleton<T>();
        services.AddSingleton<IScheduledWork>(sp => sp.GetRequiredService<T>());
        services.AddHostedService(sp => new HostedTimerScheduler(sp.GetRequiredService<T>(), sp.GetRequiredService<ILogger<HostedTimerScheduler>>()));
        return services;
    }
}

/// <summary>Runs one piece of work every interval (first run after one interval); failures are logged and retried next time.</summary>
public sealed class HostedTimerScheduler(IScheduledWork work, ILogger<HostedTimerScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (work.Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(work.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await work.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Scheduled work {Name} failed; it runs again in {Interval}", work.Name, work.Interval);
            }
        }
    }
}
