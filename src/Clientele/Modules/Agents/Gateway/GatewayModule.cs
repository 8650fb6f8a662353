using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>The model gateway: Ai__* configuration (validated at start), the providers, llm_usage_logs and its summary.</summary>
public sealed class GatewayModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        // Throws InvalidOperationException on a bad configuration: `serve` prints it and exits 1.
        var options = AiOptions.From(config);
        services.AddSingleton(options);
        if (options.OpenAiConfigured) services.AddSingleton(_ => new OpenAiCompatibleChatClient(options));
        services.AddSingleton<BuiltInClientSource>();
        services.AddSingleton<LlmUsageLedger>();
        services.AddSingleton<AiGateway>();
        services.AddSingleton<IAiGateway>(sp => sp.GetRequiredService<AiGateway>());
    }

    public void MapEndpoints(RouteGroupBuilder api) => LlmUsageSummaryApi.Map(api);
}
