using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>One observation of an A/B test variant (seed 000).</summary>
[Table("ab_tests")]
public sealed class AbTest : AuditedEntity
{
    public string TestName { get; set; } = "";
    public string Variant { get; set; } = "";
    public Guid? CustomerId { get; set; }
    public Guid? ConversationId { get; set; }
    public string? Outcome { get; set; }
    public double? MetricValue { get; set; }
    public DateTime Timestamp { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
