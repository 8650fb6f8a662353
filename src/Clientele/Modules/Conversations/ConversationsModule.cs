using Clientele.Modules.Conversations.Inbox;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Conversations;

/// <summary>Conversations of seeds 000 and 001, their messages and the multi-agent bookkeeping around them.</summary>
public sealed class ConversationsModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config) => services.AddSingleton<ConversationActions>();

    /// <summary>The console inbox's live stream (its pages are in Pages/).</summary>
    public void MapRoot(IEndpointRouteBuilder app) => InboxStream.Map(app);

    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("conversations")
            .Describe("Conversations with a customer (support, seed 000) or with a phone through an agent (channels, seed 001).");
        // sequence_no is assigned by the messages_next_sequence trigger.
        r.Table("messages").ReadOnlyColumn("sequence_no")
            .Describe("Messages of a conversation in order, with the agent, intent, sentiment and delivery details.");
        r.Table("message_delivery_status")
            .Describe("Delivery status of outbound messages as the platform reports it (pending, sent, delivered, read, failed).");
        r.Table("agent_handoffs")
            .Computed<decimal>("handoff_duration_seconds", "round(coalesce(latency_ms, 0) / 1000.0, 3)")
            .Describe("Handoffs of a conversation between logical agents, with the reason and the state transferred.");
        r.Table("agent_collaborations")
            .Computed<int>("agent_count", "coalesce(cardinality(agents_involved), 0)")
            .Computed<decimal>("duration_seconds", "round(coalesce(duration_ms, 0) / 1000.0, 3)")
            .Computed<bool>("is_complete", "(end_time IS NOT NULL)")
            .Describe("Logical agents working on a conversation together (sequential, parallel, debate, verification, expert panel).");
        r.Table("conversation_tags")
            .Describe("Tags on conversations, each once per conversation.");
        r.Table("conversation_notes")
            .Describe("Private notes of the team on a conversation: never sent on the channel, never part of the AI's context.");
        r.Table("extractions")
            .Describe("Lead scoring extracted from a channel conversation (intent, urgency, budget, fit, engagement, CTAs); is_latest is the current one.");
    }
}
