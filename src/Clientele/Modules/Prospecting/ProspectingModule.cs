using Clientele.Modules.Prospecting.Outreach;
using Clientele.Modules.Prospecting.Research;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Prospecting;

/// <summary>Seed 004's AI sales assistant: who to sell to, what to offer, and the outreach it drafts.</summary>
public sealed class ProspectingModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("industries")
            .Describe("The organization's list of industries, one row per name.");
        r.Table("companies")
            .Describe("Prospect companies with industry, size and website.");
        r.Table("prospects")
            .Describe("People at prospect companies with contact details and prospecting status.");
        r.Table("solutions")
            .Describe("The organization's solution catalog: category, use cases, keywords and pricing model.");
        r.Table("industry_solutions")
            .Describe("Which solutions serve which industries.");
        r.Table("events")
            .Describe("Sales events (conferences, webinars, ...) with target industries and roles and featured solutions.");
        r.Table("interactions")
            .Describe("Touches with prospects (email, call, meeting, LinkedIn, event, demo, note) with sentiment and outcome.");
        r.Table("outreach_drafts")
            // Review moves status (approve through the approval queue, send, discard); a PATCH edits content/subject while it waits.
            .ReadOnlyColumn("status", "citations", "research_id", "approval_id", "sent_at", "interaction_id")
            .Describe("AI-drafted outreach to prospects with the facts it cites, reviewed in the approval queue before it is sent.");
        r.Table("prospect_research")
            .Describe("AI research on prospects: summary, key insights (each with its source row), recommended solutions and confidence.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<ProspectingModel>();
        services.AddSingleton<ResearchProspect>();
        services.AddSingleton<CreateDraft>();
        services.AddSingleton<ReviewDraft>();
    }

    public void MapEndpoints(RouteGroupBuilder api) => ProspectingApi.Map(api);
}
