using Clientele.Modules.Automation.Automations;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Modules.Automation.Triggers;
using Clientele.Modules.Automation.Workflows;
using Clientele.Platform.Hosting;
using Clientele.Platform.Scheduling;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Automation;

/// <summary>Seed 000 workflows and scheduled tasks, seed 003 triggers and automations.</summary>
public sealed class AutomationModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("workflows")
            .Computed<int>("action_count", "jsonb_array_length(actions)")
            .Describe("Workflows: a time, event, condition or manual trigger and an ordered list of actions.");
        r.Table("workflow_executions")
            .Computed<bool>("is_running", "(status = 'running')")
            .Computed<bool>("is_successful", "(status = 'completed')")
            .Computed<decimal>("duration_seconds", "round(coalesce(extract(epoch FROM completed_at - started_at), 0), 3)")
            .Describe("Runs of workflows with status, timing, error and execution log.");
        r.Table("scheduled_tasks")
            .Computed<bool>("is_overdue", "(is_active AND next_run_at IS NOT NULL AND next_run_at < now() - interval '2 minutes')")
            .Describe("Tasks run on a cron schedule, with their last and next run.");
        r.Table("triggers")
            .Describe("Rules that fire actions when a customer event matches their condition, with cooldown and daily limit.");
        r.Table("trigger_events")
            .Describe("Firings of triggers: the event, the actions executed and whether they succeeded.");
        r.Table("automations")
            .Describe("Automations described in natural language and run as steps on a schedule or trigger.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<ScheduledTaskScheduler>();
        services.AddSingleton<AutomationInterpreter>();
        services.AddSystemJob("automation.scheduled_tasks_reconcile", config["Automation:ReconcileCron"] ?? "0 */5 * * * ?",
            (run, ct) => ScheduledTaskReconciler.RunAsync(run.Services, ct), "Gives every active scheduled task its Quartz job (overdue ones run now)");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        ScheduledTasksApi.Map(api);
        TriggersApi.Map(api);
        WorkflowsApi.Map(api);
        AutomationsApi.Map(api);
    }
}
