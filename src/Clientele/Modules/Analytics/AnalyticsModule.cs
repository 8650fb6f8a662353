using Clientele.Modules.Analytics.Rollups;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Clientele.Platform.Scheduling;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Analytics;

/// <summary>Rollups and event streams: seed 000 analytics, seed 002 events, metrics and activity feed, seed 004 LLM costs.</summary>
public sealed class AnalyticsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        // The rollups (AnalyticsRollup) are their only writer: computed from the rows, never typed in.
        r.Table("conversation_analytics").ReadOnly()
            .Computed<decimal>("resolution_rate", "CASE WHEN total_conversations = 0 THEN 0.0 ELSE round(resolved_conversations * 100.0 / total_conversations, 2) END")
            .Computed<decimal>("escalation_rate", "CASE WHEN total_conversations = 0 THEN 0.0 ELSE round(escalated_conversations * 100.0 / total_conversations, 2) END")
            .Describe("Daily conversation rollup per channel (null channel: all channels): volumes, resolution time, sentiment, CSAT (read-only).");
        r.Table("feature_usage").ReadOnly()
            .Describe("Daily use of each product feature by each customer, rolled up from analytics_events (read-only).");
        r.Table("ab_tests")
            .Describe("Observations of A/B test variants with their outcome and metric value.");
        r.Table("agent_performance").ReadOnly()
            .Computed<decimal>("success_rate", "CASE WHEN total_interactions = 0 THEN 0.0 ELSE round(successful_resolutions * 100.0 / total_interactions, 2) END")
            .Describe("Daily performance per agent (a logical agent by agent_name or an agents row by agent_id; read-only).");
        r.Table("analytics_events")
            .Describe("Raw product analytics events, partitioned by month and kept 90 days.");
        r.Hide("analytics_event_ids");
        r.Table("daily_metrics").ReadOnly()
            .Describe("The organization's daily usage rollup: messages, conversations, tokens, users, agents, workflow runs (read-only).");
        // Written by the server as things happen: a tenant must not forge or erase its own history.
        r.Table("activity_logs").ReadOnly()
            .Describe("The organization's activity feed: who did what to which resource (read-only).");
        r.Table("activity_logs_archive").ReadOnly()
            .Describe("Activity feed entries older than a year, moved here by the retention job (read-only).");
        // One row per model call, written by the AI layer: a cost ledger, not tenant input.
        r.Table("llm_usage_logs").ReadOnly()
            .Describe("Every language-model call with workflow, node, model, tokens, latency and cost.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<AnalyticsRollup>();
        if (config.GetValue("Analytics:RollupEnabled", true))
            services.AddSystemJob("analytics.rollup", config["Analytics:RollupCron"] ?? "0 10 * * * ?",
                (run, ct) => run.Services.GetRequiredService<AnalyticsRollup>().RunScheduledAsync(DateTime.UtcNow, ct),
                "Rolls up every organization's today and yesterday (its time zone): daily_metrics, conversation_analytics, agent_performance, feature_usage");
        if (!config.GetValue("Maintenance:Enabled", true)) return;
        services.AddSystemJob("analytics.maintenance", config["Maintenance:Cron"] ?? "0 0 * * * ?",
            (run, ct) => MaintenanceJob.RunOnceAsync(run.Services.GetRequiredService<AppDataSource>(), ct),
            "Refreshes mv_organization_metrics, keeps analytics partitions current, drops those past 90 days (and the batch endpoint's event ids)");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        ReportsApi.Map(api);
        Events.AnalyticsEventsApi.Map(api);
    }
}
