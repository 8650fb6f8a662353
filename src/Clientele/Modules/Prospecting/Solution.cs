using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>A solution of the tenant's catalog to match with prospects (seed 004).</summary>
[Table("solutions")]
public sealed class Solution : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public string Description { get; set; } = "";
    [ColumnType("jsonb")] public string? UseCases { get; set; }
    [ColumnType("jsonb")] public string? Keywords { get; set; }
    public string PricingModel { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
