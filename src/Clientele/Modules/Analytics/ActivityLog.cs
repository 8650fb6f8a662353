using System.Net;
using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>An entry of the organization's activity feed (seed 002).</summary>
[Table("activity_logs")]
public sealed class ActivityLog : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    public string ActorName { get; set; } = "";
    public string ActionType { get; set; } = "";
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    public string? ResourceName { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public IPAddress? IpAddress { get; set; }
    public DateTime CreatedAt { get; set; }
}
