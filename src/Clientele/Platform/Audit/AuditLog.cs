using Clientele.Platform.Database;

namespace Clientele.Platform.Audit;

/// <summary>Seed 000's immutable audit_logs: written by AuditWriter, never updated or deleted.</summary>
[Table("audit_logs")]
public sealed class AuditLog : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string? EntityType { get; set; }
    public Guid? EntityId { get; set; }
    public string Action { get; set; } = "";
    public string ActorType { get; set; } = "";
    public Guid? ActorId { get; set; }
    [ColumnType("jsonb")] public string? Changes { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTime Timestamp { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
