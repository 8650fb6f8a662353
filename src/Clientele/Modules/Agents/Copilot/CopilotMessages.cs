using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Agents.Copilot;

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

    public static async Task InsertAgentMessageAsync(TenantSession s, Guid sessionId, AgentMessageRow m, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            INSERT INTO agent_messages (id, organization_id, session_id, agent_id, role, content, thinking, requires_approval, deployed_agent, tool_calls, metadata, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4, $9, $10, clock_timestamp())
            """, ct);
        cmd.Parameters.AddWithValue(m.Id);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(sessionId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Role == "user" ? DBNull.Value : ActivityScope.AgentType, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(m.Role);
        cmd.Parameters.AddWithValue(m.Content);
        cmd.Parameters.AddWithValue(m.Thinking);
        cmd.Parameters.AddWithValue(m.RequiresApproval);
        cmd.Parameters.Add(Jsonb(m.ToolCalls));
        cmd.Parameters.Add(Jsonb(m.Metadata));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task InsertChatMessageAsync(TenantSession s, Guid sessionId, Guid customerId, Guid? userId, string role, string content,
        JsonArray? toolCalls, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            INSERT INTO chat_messages (id, organization_id, customer_id, user_id, role, content, agent_type, tool_calls, session_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp())
            """, ct);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7());
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(customerId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)userId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(content);
        cmd.Parameters.Add(new NpgsqlParameter { Value = role == "user" ? DBNull.Value : ActivityScope.AgentType, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(Jsonb(toolCalls));
        cmd.Parameters.AddWithValue(sessionId.ToString());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The session's last turns (questions and answers, no thinking notes), oldest first.</summary>
    public static async Task<IReadOnlyList<(string Role, string Content)>> HistoryAsync(TenantSession s, Guid sessionId, int turns, CancellationToken ct)
    {
        var list = new List<(string, string)>();
        await using var cmd = await s.CommandAsync("""
            SELECT role, content FROM agent_messages
            WHERE organization_id = $1 AND session_id = $2 AND NOT thinking AND role IN ('user', 'assistant')
            ORDER BY created_at DESC, id DESC LIMIT $3
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(sessionId);
        cmd.Parameters.AddWithValue(turns * 2);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetString(1)));
        list.Reverse();
        return list;
    }

    private static NpgsqlParameter Jsonb(JsonNode? v) => new() { Value = (object?)v?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb };
}
