using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Approvals;

/// <summary>
/// The one queue of actions proposed by AI or rules and decided by people: the approvals state
/// machine (ApprovalDecisions), POST /api/v1/approvals/{id}/approve|reject and the console's
/// /app/approvals. What an approved action runs is the proposer's (the copilot's ActionExecutor,
/// or another module's IApprovalAction).
/// </summary>
public sealed class ApprovalsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        // Decisions go through /approve and /reject (state machine, execution, audit): a generic
        // POST or PATCH could fake a proposal or approve without running it. Reads stay generic.
        r.Table("approvals").ReadOnly()
            .Describe("Agent actions waiting for a human to approve or reject them.");
        r.Table("google_pending_approvals").ReadOnly()
            .Describe("Google Workspace actions (email, calendar, docs) proposed by agents, waiting for a user's decision.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<ApprovalDecisions>();
        services.AddSingleton<ApprovalDecider>();
    }

    public void MapEndpoints(RouteGroupBuilder api) => ApprovalsApi.Map(api);
}
