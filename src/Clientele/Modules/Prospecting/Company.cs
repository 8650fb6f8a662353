using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>A prospect company (seed 004).</summary>
[Table("companies")]
public sealed class Company : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public Guid IndustryId { get; set; }
    public string Size { get; set; } = "";
    public string? Website { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
