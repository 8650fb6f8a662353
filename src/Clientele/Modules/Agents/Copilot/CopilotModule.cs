using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Agents.Copilot;

/// <summary>
/// The CSM copilot (seed 003, issue 5 item 6): sessions about a customer, answers from the
/// customer's data, proposed actions as approvals, and their execution once approved
/// (docs/ai.md, "CSM copilot and approvals").
/// </summary>
public sealed class CopilotModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        // Decisions go through /approve and /reject (state machine, execution, audit): a generic
        // POST or PATCH could fake a proposal or approve without running it. Reads stay generic.
        r.Table("approvals").ReadOnly();
        r.Table("google_pending_approvals").ReadOnly();
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(CopilotOptions.From(config));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CustomerBriefReader>();
        services.AddSingleton<CopilotComposer>();
        services.AddSingleton<CopilotBuiltInClient>();
        services.AddSingleton<CopilotModel>();
        services.AddSingleton<MeetingSlotPicker>();
        services.AddSingleton<ApprovalRequests>();
        services.AddSingleton<CopilotTurns>();
        services.AddSingleton<CopilotEmail>();
        services.AddSingleton<ActionExecutor>();
        services.AddSingleton<ApprovalDecisions>();
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        CopilotSessionsApi.Map(api);
        ApprovalsApi.Map(api);
    }
}
