using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>Links a solution to an industry it serves (seed 004).</summary>
[Table("industry_solutions")]
public sealed class IndustrySolution : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid IndustryId { get; set; }
    public Guid SolutionId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
