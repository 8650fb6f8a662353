using Clientele.Platform.Database;

namespace Clientele.Modules.Approvals;

/// <summary>An agent action waiting for a human decision (seed 003).</summary>
[Table("approvals")]
public sealed class Approval : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? SessionId { get; set; }
    public string? AgentId { get; set; }
    public string Action { get; set; } = "";
    public string? Details { get; set; }
    public string Status { get; set; } = "pending";
    public Guid? ResolvedBy { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? Comment { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
