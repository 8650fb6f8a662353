using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A customer's account plan for a fiscal year (seed 003).</summary>
[Table("account_plans")]
public sealed class AccountPlan : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public string FiscalYear { get; set; } = "";
    public string Status { get; set; } = "draft";
    [ColumnType("jsonb")] public string? StrategicObjectives { get; set; }
    [ColumnType("jsonb")] public string? SuccessMetrics { get; set; }
    [ColumnType("jsonb")] public string? StakeholderMap { get; set; }
    [ColumnType("jsonb")] public string? RelationshipGoals { get; set; }
    [ColumnType("jsonb")] public string? ExpansionTargets { get; set; }
    [ColumnType("jsonb")] public string? RiskMitigation { get; set; }
    [ColumnType("jsonb")] public string? QbrSchedule { get; set; }
    [ColumnType("jsonb")] public string? ResourceAllocation { get; set; }
    public string? CompetitiveLandscape { get; set; }
    public string? Notes { get; set; }
    public Guid? OwnerId { get; set; }
    public Guid? ApprovedBy { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
