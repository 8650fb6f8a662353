using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>The agent row's configuration (migration 0024). A conversation without an agent gets the defaults.</summary>
public sealed record AgentProfile(Guid? Id, string Name, string PromptId, string Specialty, string? Provider, string? Model, decimal? Temperature,
    IReadOnlyList<string> Tools, double EscalationConfidence)
{
    /// <summary>An experiment variant's own instructions, added to the system prompt (<see cref="ExperimentVariantConfig"/>).</summary>
    public string? Instructions { get; init; }

    public static readonly IReadOnlyList<string> DefaultTools = ["knowledge_search", "handoff", "verify", "escalate"];
    public bool Can(string tool) => Tools.Contains(tool);
}

/// <summary>One earlier message of the conversation, oldest first.</summary>
public sealed record HistoryLine(string Role, string Content);

/// <summary>What the orchestrator knows about a conversation before answering one customer message.</summary>
public sealed record TurnContext(
    AgentProfile Agent,
    string? Company,
    string Status,
    string Channel,
    string? PrimaryIntent,
    double? IntentConfidence,
    double? SentimentAvg,
    int AnalyzedCustomerMessages,
    IReadOnlyList<string> AgentsInvolved,
    IReadOnlyList<string> KbArticlesUsed,
    /// <summary>The logical agent speaking now: the last handoff's target, else the agent's specialty.</summary>
    string CurrentSpeaker,
    DateTimeOffset MessageTime,
    IReadOnlyList<HistoryLine> History)
{
    /// <summary>The experiment variant assigned to the conversation (ab_tests), when there is one.</summary>
    public ExperimentVariantConfig? Variant { get; init; }
    /// <summary>The agent has a running experiment that started before the conversation, which has no variant yet.</summary>
    public bool AwaitsVariant { get; init; }

    public const int HistoryLimit = 10;

    /// <summary>One statement: the conversation, its agent and organization, the last handoff, the running counts and the last messages.</summary>
    public static async Task<TurnContext?> LoadAsync(TenantSession s, Guid conversationId, Guid messageId, CancellationToken ct)
    {
        await using var r = await s.ReaderAsync($"""
            SELECT c.status, coalesce(c.channel, 'api'), c.primary_intent, c.intent_confidence::float8, c.sentiment_avg, c.agents_involved, c.kb_articles_used,
                   a.id, a.name, a.prompt_id, a.specialty, a.provider, a.model, a.temperature, a.tools, a.escalation_confidence::float8,
                   o.name,
                   (SELECT h.to_agent FROM agent_handoffs h WHERE h.organization_id = c.organization_id AND h.conversation_id = c.id AND h.deleted_at IS NULL
                    ORDER BY h."timestamp" DESC, h.id DESC LIMIT 1),
                   (SELECT count(*)::int FROM messages u WHERE u.organization_id = c.organization_id AND u.conversation_id = c.id AND u.role = 'user'
                      AND u.sentiment IS NOT NULL AND u.id <> m.id),
                   m."timestamp",
                   (SELECT coalesce(json_agg(json_build_array(x.role, x.content) ORDER BY x.sequence_no), '[]')::text FROM (
                      SELECT p.role, p.content, p.sequence_no FROM messages p
                      WHERE p.organization_id = c.organization_id AND p.conversation_id = c.id AND p.sequence_no < m.sequence_no
                        AND p.role IN ('user', 'assistant') AND p.deleted_at IS NULL
                      ORDER BY p.sequence_no DESC LIMIT {HistoryLimit}) x),
                   {ExperimentVariantConfig.AssignedSql},
                   {ExperimentVariantConfig.RunningSql}
            FROM messages m
            JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            JOIN organizations o ON o.id = c.organization_id
            LEFT JOIN agents a ON a.organization_id = c.organization_id AND a.id = c.agent_id
            WHERE m.organization_id = $1 AND m.id = $2 AND c.id = $3
            """,
            [s.OrganizationId, messageId, conversationId], ct);
        if (!await r.ReadAsync(ct)) return null;

        var agent = r.IsDBNull(7)
            ? new AgentProfile(null, "assistant", Engine.AgentPersonas.Generic.Key, Specialists.Router, null, null, null, AgentProfile.DefaultTools, 0.30)
            : new AgentProfile(r.GetGuid(7), r.GetString(8), r.GetString(9), r.GetString(10), Text(r, 11), Text(r, 12),
                r.IsDBNull(13) ? null : r.GetDecimal(13), r.GetFieldValue<string[]>(14), r.GetDouble(15));
        var lastHandoff = Text(r, 17);
        var current = lastHandoff is not null && Specialists.All.Contains(lastHandoff) ? lastHandoff : agent.Specialty;
        var history = new List<HistoryLine>();
        foreach (var line in JsonDocument.Parse(r.GetString(20)).RootElement.EnumerateArray())
            history.Add(new HistoryLine(line[0].GetString()!, line[1].GetString()!));
        return new TurnContext(agent, Text(r, 16), r.GetString(0), r.GetString(1), Text(r, 2), r.IsDBNull(3) ? null : r.GetDouble(3),
            r.IsDBNull(4) ? null : r.GetDouble(4), r.GetInt32(18), r.GetFieldValue<string[]>(5), r.GetFieldValue<string[]>(6), current,
            new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(19), DateTimeKind.Utc)), history)
        {
            Variant = ExperimentVariantConfig.FromJson(Text(r, 21)),
            AwaitsVariant = r.IsDBNull(21) && r.GetBoolean(22),
        };
    }

    private static string? Text(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
