using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>A raw product analytics event, partitioned by month and kept 90 days (seed 002).</summary>
[Table("analytics_events")]
public sealed class AnalyticsEvent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string EventType { get; set; } = "";
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    [ColumnType("jsonb")] public string Properties { get; set; } = "{}";
    public Guid? UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
