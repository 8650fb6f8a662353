using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Automation.Webhooks;

/// <summary>Outbound webhooks: endpoints and their delivery log as resources, the SSRF-guarded client, the endpoints.</summary>
public sealed class WebhooksModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("webhook_endpoints").Secret("secret").WritesNeedAdmin()
            .Describe("URLs of the tenant's that receive signed domain events (secret shown once), disabled after 3 days of failures.");
        r.Table("webhook_deliveries").ReadOnly()
            .Describe("Each event sent to each endpoint: attempts, response code and body, next retry; replayable.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        var allowPrivate = config.GetValue("Webhooks:AllowPrivateNetworks", false);
        services.AddHttpClient(WebhookDeliveryJob.ClientName).ConfigurePrimaryHttpMessageHandler(() => SsrfGuard.Handler(allowPrivate));
    }

    public void MapEndpoints(RouteGroupBuilder api) => WebhooksApi.Map(api);
}
