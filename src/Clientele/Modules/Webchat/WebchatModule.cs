using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Webchat;

/// <summary>
/// The website chat channel (issue 4, item 5): /widget.js and the public /webchat/{publicKey}/…
/// endpoints. A webchat channel is a phone_numbers row with platform 'webchat'; its public_key is
/// what the site embeds and allowed_origins limits which sites may call it.
/// </summary>
public sealed class WebchatModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<WebchatOptions>();
        services.AddSingleton<VisitorTokens>();
        services.AddSingleton<WebchatChannels>();
        services.AddSingleton<WebchatLimits>();
        services.AddSingleton<WebchatLive>();
        services.AddHostedService(sp => sp.GetRequiredService<WebchatLive>());
    }

    public void MapRoot(IEndpointRouteBuilder app) => WebchatApi.Map(app);
}
