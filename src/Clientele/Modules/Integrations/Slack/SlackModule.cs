using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Slack (issue 13 item 4; docs/slack.md): "Add to Slack" (OAuth v2, tokens encrypted in
/// slack_connections), notifications posted to a channel or DM for the types each user chose
/// (notification_preferences.slack_enabled, outbox topic notifications.slack), and approvals decided
/// with Approve/Reject buttons (signed interactivity requests).
/// </summary>
public sealed class SlackModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SlackOptions>();
        services.AddSingleton<SlackOAuthState>();
        services.AddSingleton<SlackWebApi>();
        services.AddHttpClient(SlackWebApi.ClientName);
    }

    public void MapEndpoints(RouteGroupBuilder api) => SlackConnectApi.Map(api);

    public void MapRoot(IEndpointRouteBuilder app)
    {
        SlackCallbackApi.Map(app);
        SlackInteractivityApi.Map(app);
    }
}
