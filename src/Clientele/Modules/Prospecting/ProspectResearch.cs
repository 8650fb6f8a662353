using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>AI research on a prospect with recommended solutions (seed 004).</summary>
[Table("prospect_research")]
public sealed class ProspectResearch : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProspectId { get; set; }
    public string ResearchSummary { get; set; } = "";
    [ColumnType("jsonb")] public string? KeyInsights { get; set; }
    [ColumnType("jsonb")] public string? RecommendedSolutions { get; set; }
    public double? ConfidenceScore { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
