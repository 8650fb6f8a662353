using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>An industry in the tenant's classification list (seed 004).</summary>
[Table("industries")]
public sealed class Industry : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
