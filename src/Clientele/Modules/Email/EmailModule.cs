using Clientele.Modules.Channels;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Email;

/// <summary>
/// The email channel: inbound mail through a signed JSON webhook (POST /webhooks/email, shape in
/// docs/channels-email.md), threaded by Message-ID / In-Reply-To / References, and replies sent
/// through an SMTP relay. Inbound mail joins the same pipeline as the other channels
/// (InboundIngestor → inbound.message → agent.reply → message.send → EmailSender).
/// </summary>
public sealed class EmailModule : IModule
{
    public void ConfigureResources(ResourceOptions r) =>
        r.Table("email_bounces").ReadOnly()
            .Describe("Addresses a delivery status notification (bounce) said cannot be delivered to; the email channel does not send to them again.");

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<EmailOptions>();
        services.AddSingleton<SmtpRelay>();
        services.AddSingleton<IChannelSender, EmailSender>();
    }

    public void MapEndpoints(RouteGroupBuilder api) => EmailBouncesApi.Map(api);

    public void MapRoot(IEndpointRouteBuilder app) => EmailWebhookApi.Map(app);
}
