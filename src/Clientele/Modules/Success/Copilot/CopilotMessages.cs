using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// The two message tables of seed 003, as the copilot uses them. agent_messages is the session's
/// full record (FK to agent_sessions): the CSM's question, the agent's internal "thinking" note
/// (what it gathered), and its answer with the proposed tool calls and requires_approval.
/// chat_messages is the chat transcript the CSM sees (session_id = the session's id as text,
/// customer_id, user_id): the question and the answer only.
/// </summary>
public static class CopilotMessages
{
    public sealed record AgentMessageRow(Guid Id, string Role, string Content, bool Thinking = false, bool RequiresApproval = false,
        JsonArray? ToolCalls = null, JsonObject? Metadata = null);

    public static Task InsertAgentMessageAsync(TenantSession s, Guid sessionId, AgentMessageRow m, CancellationToken ct) =>
        s.ExecuteAsync("""
            INSERT INTO agent_messages (id, organization_id, session_id, agent_id, role, content, thinking, requires_approval, deployed_agent, tool_calls, metadata, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4, $9, $10, clock_timestamp())
            """,
            [m.Id, s.OrganizationId, sessionId, SqlArg.Text(m.Role == "user" ? null : ActivityScope.AgentType), m.Role, m.Content, m.Thinking,
             m.RequiresApproval, SqlArg.Jsonb(m.ToolCalls), SqlArg.Jsonb(m.Metadata)], ct);

    public static Task InsertChatMessageAsync(TenantSession s, Guid sessionId, Guid customerId, Guid? userId, string role, string content,
        JsonArray? toolCalls, CancellationToken ct) =>
        s.ExecuteAsync("""
            INSERT INTO chat_messages (id, organization_id, customer_id, user_id, role, content, agent_type, tool_calls, session_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp())
            """,
            [Guid.CreateVersion7(), s.OrganizationId, customerId, SqlArg.Uuid(userId), role, content,
             SqlArg.Text(role == "user" ? null : ActivityScope.AgentType), SqlArg.Jsonb(toolCalls), sessionId.ToString()], ct);

    /// <summary>The session's last turns (questions and answers, no thinking notes), oldest first.</summary>
    public static async Task<IReadOnlyList<(string Role, string Content)>> HistoryAsync(TenantSession s, Guid sessionId, int turns, CancellationToken ct)
    {
        var list = await s.QueryAsync("""
            SELECT role, content FROM agent_messages
            WHERE organization_id = $1 AND session_id = $2 AND NOT thinking AND role IN ('user', 'assistant')
            ORDER BY created_at DESC, id DESC LIMIT $3
            """, [s.OrganizationId, sessionId, turns * 2], r => (r.GetString(0), r.GetString(1)), ct);
        list.Reverse();
        return list;
    }
}
