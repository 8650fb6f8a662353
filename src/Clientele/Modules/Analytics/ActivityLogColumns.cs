using System.Net;
using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>
/// The columns of seed 002's activity feed. activity_logs_archive is created LIKE activity_logs,
/// so both entities share this one definition.
/// </summary>
public abstract class ActivityLogColumns : ITenantEntity
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
