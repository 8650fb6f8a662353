using System.Net;
using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>An activity feed entry older than a year, moved here by the retention job (seed 002).</summary>
[Table("activity_logs_archive")]
public sealed class ArchivedActivityLog : ITenantEntity
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
