using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>An upsell / cross-sell opportunity at a customer (seed 003).</summary>
[Table("expansion_opportunities")]
public sealed class ExpansionOpportunity : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public string OpportunityType { get; set; } = "";
    public string? ProductLine { get; set; }
    public decimal? EstimatedValue { get; set; }
    public int? Probability { get; set; }
    public string Stage { get; set; } = "identified";
    public Guid? ChampionId { get; set; }
    public string? UseCase { get; set; }
    public string? CompetitiveThreat { get; set; }
    public string? Timeline { get; set; }
    [ColumnType("jsonb")] public string Blockers { get; set; } = "[]";
    public string? NextSteps { get; set; }
    /// <summary>What detected it (seat_utilization, usage_growth, meeting_signal); null when a person added it.</summary>
    public string? Cause { get; set; }
    [ColumnType("jsonb")] public string? Evidence { get; set; }
    public DateTime? DetectedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
