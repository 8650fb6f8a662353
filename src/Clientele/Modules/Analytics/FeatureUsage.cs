using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>Daily use of a product feature by a customer (seed 000).</summary>
[Table("feature_usage")]
public sealed class FeatureUsage : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string FeatureName { get; set; } = "";
    public int UsageCount { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateOnly Date { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
