using Clientele.Modules.Agents.Engine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>The built-in engine's IChatClient (Engine/BuiltInChatClient), resolved on first use.</summary>
public sealed class BuiltInClientSource(IServiceProvider services)
{
    private readonly Lazy<IChatClient> _client = new(() => ActivatorUtilities.GetServiceOrCreateInstance<BuiltInChatClient>(services));

    public IChatClient Client => _client.Value;
}
