using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Channels;

/// <summary>Seed 001's messaging channels: numbers, the agents on them, relinks and message credits.</summary>
public sealed class ChannelsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("phone_numbers").Secret("access_token")
            .Describe("WhatsApp, Instagram and webchat numbers of the organization; the Meta access token is write-only.");
        r.Table("agents")
            .Describe("AI sales agents, one per phone number, each answering with a prompt.");
        r.Table("conversation_archives")
            .Describe("Relinks of a phone number from one agent to another and how many conversations they archived.");
        // Bought through billing and spent by the message pipeline: a tenant must not set its own balance.
        r.Table("message_credits").ReadOnly().ReadOnlyColumn("last_updated")
            .Describe("The organization's prepaid AI message credits: remaining and used.");
    }
}
