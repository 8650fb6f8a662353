using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// The CSM copilot (seed 003, issue 5 item 6; part of customer success since issue 11 item 12):
/// sessions about a customer, answers from the customer's data, proposed actions as approvals in
/// the Approvals module's queue, and what those actions run once approved (docs/ai.md, "CSM copilot
/// and approvals").
/// </summary>
public sealed class CopilotModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("agent_sessions")
            .Describe("A CSM's sessions with the multi-agent copilot, about a customer, with the agents deployed.");
        r.Table("agent_messages")
            .Describe("Messages of copilot sessions, with tool calls and whether they need approval.");
        r.Table("agent_activity_log")
            .Describe("Actions the assistant's agents took, with input, result, status and timing, nested by parent action.");
        r.Table("chat_messages")
            .Describe("Messages of the free-form assistant chat, by client session id.");
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
    }

    public void MapEndpoints(RouteGroupBuilder api) => CopilotSessionsApi.Map(api);
}
