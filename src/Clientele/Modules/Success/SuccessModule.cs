using Clientele.Modules.Success.Health;
using Clientele.Platform.Hosting;
using Clientele.Platform.Scheduling;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Success;

/// <summary>Seed 003's customer success: contracts, usage, risk, health, renewals, expansion, save plays, QBRs, account plans.</summary>
public sealed class SuccessModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("contracts")
            .Describe("Customer contracts as uploaded and parsed: ARR, term, dates, pricing terms, requirements and next steps.");
        r.Table("entitlements")
            .Describe("What a contract entitles the customer to: quantity, unit, price and category.");
        r.Table("usage_metrics")
            .Describe("Customers' daily product usage: DAU/WAU/MAU, logins, API calls, sessions, feature adoption and trend.");
        r.Table("risk_signals")
            .Describe("Churn risk signals on customers, with severity, source and resolution.");
        r.Table("health_score_history")
            .Describe("Recorded customer health scores (0-100) with their components.");
        r.Table("renewal_pipeline")
            .Describe("Upcoming renewals with current and proposed ARR, probability, stage and the renewal checklist.");
        r.Table("expansion_opportunities")
            .Describe("Upsell, cross-sell and expansion opportunities at customers, with value, probability, stage and champion.");
        r.Table("csm_playbooks")
            .Describe("CSM playbooks the assistant retrieves (by full-text search; the embedding is not exposed).");
        r.Table("save_plays")
            .Describe("Plans to save at-risk customers: issue, root cause, action plan, owner, escalation and outcome.");
        r.Table("qbrs")
            .Describe("Quarterly business reviews with customers: schedule, attendees, wins, challenges, action items and scores.");
        r.Table("health_models")
            .Describe("Health models: component weights (usage, support, billing, engagement, seats; 0-100) and event thresholds, for the organization (segment null) or one customer segment.");
        r.Table("customer_health_scores").ReadOnly()
            .Describe("Each customer's latest health computation: score, churn risk, confidence, model and components with their evidence.");
        r.Hide("health_recompute_requests");
        r.Hide("contract_files");
        r.Table("account_plans").ReadOnlyColumn("status", "approved_by", "approved_at")
            .Describe("Customers' account plans, one per fiscal year: objectives, stakeholders, expansion targets, risks; status and approval change through /submit, /approve, /reject, /reopen.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        // The sweep: every customer, on one node of the cluster, nightly by default.
        services.AddSingleton<HealthSweep>();
        services.AddSingleton<Transcripts.MeetingAnalyzer>();
        services.AddSingleton<Transcripts.TranscriptModel>();
        services.AddSingleton<Contracts.ContractModel>();
        services.AddSingleton<Approvals.IApprovalAction, SavePlays.SavePlayApproval>();
        services.AddSingleton<Approvals.IApprovalAction, Contracts.ContractSubscriptionApproval>();
        services.AddSystemJob("success.health_sweep", config["Success:HealthSweepCron"] ?? "0 0 2 * * ?",
            (run, ct) => run.Services.GetRequiredService<HealthSweep>().RunAsync(ct), "Recompute every customer's health, risk signals and health events");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        HealthApi.Map(api);
        Renewals.RenewalsApi.Map(api);
        SavePlays.SavePlaysApi.Map(api);
        Qbrs.QbrsApi.Map(api);
        Contracts.ContractsApi.Map(api);
        Transcripts.TranscriptsApi.Map(api);
        AccountPlans.AccountPlansApi.Map(api);
    }
}
