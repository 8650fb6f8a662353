using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A plan to save an at-risk customer (seed 003).</summary>
[Table("save_plays")]
public sealed class SavePlay : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid? PlaybookId { get; set; }
    public string Status { get; set; } = "open";
    public string RiskLevel { get; set; } = "";
    public string? PrimaryIssue { get; set; }
    public string? RootCause { get; set; }
    [ColumnType("jsonb")] public string ActionPlan { get; set; } = "[]";
    public string? SuccessCriteria { get; set; }
    public DateOnly? Deadline { get; set; }
    public Guid? OwnerId { get; set; }
    public int EscalationLevel { get; set; }
    public string? Outcome { get; set; }
    public string? OutcomeNotes { get; set; }
    public decimal? ArrAtRisk { get; set; }
    public decimal? ArrSaved { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
}
