using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>An event id accepted by the batch endpoint (kept 90 days, like the events): a retried batch inserts nothing twice.</summary>
[Table("analytics_event_ids")]
public sealed class AnalyticsEventId : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public DateTime CreatedAt { get; set; }
}
