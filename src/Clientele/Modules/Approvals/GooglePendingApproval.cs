using Clientele.Platform.Database;

namespace Clientele.Modules.Approvals;

/// <summary>A Google Workspace action proposed by an agent, waiting for approval (seed 003).</summary>
[Table("google_pending_approvals")]
public sealed class GooglePendingApproval : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    public string? AgentType { get; set; }
    public string ActionType { get; set; } = "";
    [ColumnType("jsonb")] public string ActionData { get; set; } = "{}";
    [ColumnType("jsonb")] public string? PreviewData { get; set; }
    public Guid? CustomerId { get; set; }
    public string Status { get; set; } = "pending";
    public Guid? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
