using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>One language-model call with its tokens, latency and cost (seed 004).</summary>
[Table("llm_usage_logs")]
public sealed class LlmUsageLog : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string WorkflowName { get; set; } = "";
    public string NodeName { get; set; } = "";
    public string Model { get; set; } = "";
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int TotalTokens { get; set; }
    public int LatencyMs { get; set; }
    public decimal Cost { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
