using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>The organization's daily usage rollup (seed 002).</summary>
[Table("daily_metrics")]
public sealed class DailyMetric : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public DateOnly Date { get; set; }
    public int TotalMessages { get; set; }
    public int TotalConversations { get; set; }
    public long TotalTokens { get; set; }
    public int UniqueUsers { get; set; }
    public decimal AvgResponseTime { get; set; }
    public int AgentCount { get; set; }
    public int WorkflowExecutions { get; set; }
    public DateTime CreatedAt { get; set; }
}
