using System.Net;
using Clientele.Platform.Database;

namespace Clientele.Modules.Admin;

/// <summary>Append-only trail of what platform staff did (seed 002): not a tenant row.</summary>
[Table("admin_audit_logs")]
public sealed class AdminAuditLog : IEntity
{
    public Guid Id { get; set; }
    public Guid AdminUserId { get; set; }
    public string ActionType { get; set; } = "";
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    [ColumnType("jsonb")] public string? Details { get; set; }
    public IPAddress IpAddress { get; set; } = IPAddress.None;
    public DateTime CreatedAt { get; set; }
}
