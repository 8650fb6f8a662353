using Clientele.Modules.Conversations;
using Clientele.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>The multi-agent reply logic: routing, handoffs, escalation, verification and tags (docs/ai.md, "Agents").</summary>
public sealed class OrchestrationModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<AnswerVerifier>();
        // Priority 10: replaces the plain acknowledgement (priority 0) in AgentReplyJob.
        services.AddSingleton<IReplyGenerator, AgentReplyGenerator>();
    }
}
