using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A line of a contract: what the customer is entitled to (seed 003).</summary>
[Table("entitlements")]
public sealed class Entitlement : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ContractId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int? Quantity { get; set; }
    public string? Unit { get; set; }
    public decimal? Price { get; set; }
    public string? Category { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
