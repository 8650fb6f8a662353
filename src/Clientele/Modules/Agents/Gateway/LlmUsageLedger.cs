using Clientele.Platform.Database;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>One llm_usage_logs row.</summary>
public sealed record LlmUsageEntry(string Workflow, string Node, string Model, int PromptTokens, int CompletionTokens, int LatencyMs, decimal Cost)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>
/// Writes llm_usage_logs. A successful call is written in the caller's transaction (it commits
/// with the reply it paid for, or not at all). A failed call is written in a transaction of its
/// own, because the caller usually rolls back on the exception and the outage must stay visible.
/// </summary>
public sealed class LlmUsageLedger(TenantSessions sessions, ILogger<LlmUsageLedger> logger)
{
    private const string InsertSql =
        "INSERT INTO llm_usage_logs (id, organization_id, workflow_name, node_name, model, prompt_tokens, completion_tokens, total_tokens, latency_ms, cost, created_at, updated_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp(), clock_timestamp())";

    public Task RecordAsync(TenantSession s, LlmUsageEntry e, CancellationToken ct) =>
        s.ExecuteAsync(InsertSql, [Guid.CreateVersion7(), s.OrganizationId, Cut(e.Workflow), Cut(e.Node), Cut(e.Model),
            e.PromptTokens, e.CompletionTokens, e.TotalTokens, e.LatencyMs, e.Cost], ct);

    /// <summary>Records a failed call (0 tokens, 0 cost) and commits it at once; never throws.</summary>
    public async Task RecordFailureAsync(TenantContext tenant, LlmUsageEntry e)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var s = sessions.Open(tenant);
            await RecordAsync(s, e, timeout.Token);
            await s.CommitAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "could not record the failed model call {Workflow}/{Node} in llm_usage_logs", e.Workflow, e.Node);
        }
    }

    private static string Cut(string value) => value.Length <= 255 ? value : value[..255];
}
