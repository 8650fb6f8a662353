using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The built-in offline engine: message analysis, knowledge base retrieval and the chat client the
/// gateway uses when Ai__Provider is builtin. BuiltInChatClient is registered as itself: the
/// gateway decides which IChatClient serves a call.
/// </summary>
public sealed class EngineModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BuiltInAnalyzer>();
        services.AddSingleton<IMessageAnalyzer>(sp => sp.GetRequiredService<BuiltInAnalyzer>());
        services.AddSingleton<KnowledgeRetriever>();
        services.AddSingleton<IKnowledgeRetriever>(sp => sp.GetRequiredService<KnowledgeRetriever>());
        services.AddSingleton<BuiltInChatClient>();
    }
}
