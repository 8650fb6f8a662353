using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A customer's daily product usage metrics (seed 003).</summary>
[Table("usage_metrics")]
public sealed class UsageMetric : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public DateOnly MetricDate { get; set; }
    public int? Dau { get; set; }
    public int? Wau { get; set; }
    public int? Mau { get; set; }
    public int? LoginCount { get; set; }
    public int? ApiCalls { get; set; }
    public int? SessionDurationAvg { get; set; }
    public int? ActiveUsers { get; set; }
    [ColumnType("jsonb")] public string? FeatureAdoption { get; set; }
    public string? UsageTrend { get; set; }
    public int? AdoptionScore { get; set; }
    public DateTime CreatedAt { get; set; }
}
