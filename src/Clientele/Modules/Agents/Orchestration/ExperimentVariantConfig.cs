using System.Text.Json.Nodes;
using Clientele.Modules.Analytics.Experiments;
using Clientele.Platform.Database;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// The experiment variant a conversation was assigned (ab_tests.extra_metadata.variant_config, written by
/// <see cref="ExperimentAssignment"/>). Every reply of the conversation uses it: its model and temperature
/// replace the agent's, its prompt is added to the agent's system prompt as the variant's instructions.
/// A conversation keeps its variant after the experiment stops (its replies stay comparable).
/// </summary>
public sealed record ExperimentVariantConfig(string TestName, string Variant, string? Prompt, string? Model, decimal? Temperature)
{
    /// <summary>TurnContext's column: the conversation's latest assignment as JSON, or NULL.</summary>
    internal const string AssignedSql = """
        (SELECT json_build_object('test_name', t.test_name, 'variant', t.variant, 'config', t.extra_metadata->'variant_config')::text
         FROM ab_tests t WHERE t.organization_id = c.organization_id AND t.conversation_id = c.id AND t.extra_metadata ? 'variant_config'
         ORDER BY t."timestamp" DESC, t.id DESC LIMIT 1)
        """;

    /// <summary>TurnContext's column: the agent runs an experiment this conversation belongs in.</summary>
    internal const string RunningSql = """
        EXISTS (SELECT 1 FROM agent_experiments x WHERE x.organization_id = c.organization_id AND x.agent_id = c.agent_id
                AND x.status = 'running' AND c.started_at >= x.started_at)
        """;

    public static ExperimentVariantConfig? FromJson(string? json)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject o || o["config"] is not JsonObject config) return null;
        return new ExperimentVariantConfig(o["test_name"]!.GetValue<string>(), o["variant"]!.GetValue<string>(),
            config["prompt"]?.GetValue<string>(), config["model"]?.GetValue<string>(),
            config["temperature"] is { } t ? (decimal)t.GetValue<double>() : null);
    }

    /// <summary>
    /// The turn with the conversation's variant applied. The assignment is normally written by the
    /// conversation.created subscriber; when the first reply runs before it, the reply assigns (the same
    /// deterministic pick, written once), so no reply of an experiment's conversation goes out unvaried.
    /// </summary>
    public static async Task<TurnContext> ApplyAsync(TenantSession s, TurnContext ctx, Guid conversationId, CancellationToken ct)
    {
        if (ctx.Variant is null && ctx.AwaitsVariant)
        {
            await ExperimentAssignment.AssignAsync(s, conversationId, ct);
            ctx = ctx with
            {
                Variant = FromJson(await s.ScalarAsync<string>($"SELECT {AssignedSql} FROM conversations c WHERE c.organization_id = $1 AND c.id = $2",
                    [s.OrganizationId, conversationId], ct)),
            };
        }
        return ctx.Variant is { } v ? ctx with { Agent = v.Apply(ctx.Agent) } : ctx;
    }

    public AgentProfile Apply(AgentProfile agent) => agent with
    {
        Model = Model ?? agent.Model,
        Temperature = Temperature ?? agent.Temperature,
        Instructions = string.IsNullOrWhiteSpace(Prompt) ? agent.Instructions : Prompt.Trim(),
    };

    /// <summary>What the reply's extra_metadata records.</summary>
    public JsonObject ToJson() => new() { ["test_name"] = TestName, ["variant"] = Variant };
}
