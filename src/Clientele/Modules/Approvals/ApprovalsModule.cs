using Clientele.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Approvals;

/// <summary>The queue of AI-proposed actions that people decide (the console's /app/approvals).</summary>
public sealed class ApprovalsModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config) => services.AddSingleton<ApprovalDecider>();
}
