using Clientele.Modules.Conversations;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Channels;

/// <summary>Seed 001's messaging channels: numbers, the agents on them, relinks and message credits.</summary>
public sealed class ChannelsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("phone_numbers").Secret("access_token").ReadOnlyColumn("public_key")
            .Describe("WhatsApp, Instagram and webchat numbers of the organization; the Meta access token is write-only.");
        r.Table("agents")
            .Describe("AI sales agents, one per phone number, each answering with a prompt.");
        r.Table("conversation_archives")
            .Describe("Relinks of a phone number from one agent to another and how many conversations they archived.");
        // Bought through billing and spent by the message pipeline: a tenant must not set its own balance.
        r.Table("message_credits").ReadOnly().ReadOnlyColumn("last_updated")
            .Describe("The organization's prepaid AI message credits: remaining and used.");
        r.Table("inbound_events").ReadOnly()
            .Describe("Every message and status a channel delivered, once per provider id, and when it was processed; unreadable items are kept with status rejected and the reason.");
        r.Table("outbox").ReadOnly()
            .Describe("Background work of the organization (processing, replies, sends) with attempts, errors and dead letters.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<MetaOptions>();
        services.AddSingleton<ChannelResolver>();
        services.AddSingleton<InboundWriter>();
        services.AddSingleton<InboundIngestor>();
        services.AddSingleton<MessageCredits>();
        services.AddSingleton<Clientele.Platform.Auth.IOrganizationInitializer>(sp => sp.GetRequiredService<MessageCredits>());
        services.AddSingleton<ChannelPacer>();
        services.AddSingleton<IChannelSender, MetaGraphSender>();
        services.AddSingleton<IChannelSender, WebchatSender>();
        services.AddSingleton<IReplyGenerator, AcknowledgementReply>();
        services.AddHttpClient(MetaGraphSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(config.GetValue("Meta:TimeoutSeconds", 15)));
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        ChannelsApi.Map(api);
        ConversationsApi.Map(api);
    }

    public void MapRoot(IEndpointRouteBuilder app) => MetaWebhooksApi.Map(app);
}
