using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Agents;

/// <summary>Seed 003's agent workspace: copilot sessions, their messages and activity, chat, and human approvals.</summary>
public sealed class AgentsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("agent_sessions")
            .Describe("A CSM's sessions with the multi-agent copilot, about a customer, with the agents deployed.");
        r.Table("agent_messages")
            .Describe("Messages of copilot sessions, with tool calls and whether they need approval.");
        r.Table("agent_activity_log")
            .Describe("Actions the assistant's agents took, with input, result, status and timing, nested by parent action.");
        r.Table("chat_messages")
            .Describe("Messages of the free-form assistant chat, by client session id.");
        r.Table("approvals")
            .Describe("Agent actions waiting for a human to approve or reject them.");
        r.Table("google_pending_approvals")
            .Describe("Google Workspace actions (email, calendar, docs) proposed by agents, waiting for a user's decision.");
    }
}
