using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>Daily performance of an agent: seed 000's logical agents (agent_name) and seed 002's agents rows (agent_id).</summary>
[Table("agent_performance")]
public sealed class AgentPerformance : AuditedEntity
{
    public Guid? AgentId { get; set; }
    public string? AgentName { get; set; }
    public DateOnly Date { get; set; }
    public int TotalInteractions { get; set; }
    public int SuccessfulResolutions { get; set; }
    public int Escalations { get; set; }
    public double? AvgConfidence { get; set; }
    public double? AvgSentiment { get; set; }
    public int? AvgResponseTimeMs { get; set; }
    public int ConversationCount { get; set; }
    public int MessageCount { get; set; }
    public decimal AvgResponseTime { get; set; }
    public long TotalTokens { get; set; }
    public int ErrorCount { get; set; }
    public decimal? SatisfactionScore { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
