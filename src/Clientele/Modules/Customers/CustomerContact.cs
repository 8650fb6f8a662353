using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A person at the customer: seed 000's contacts merged with seed 003's stakeholders.</summary>
[Table("customer_contacts")]
public sealed class CustomerContact : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? Title { get; set; }
    public string? Phone { get; set; }
    public string? Role { get; set; }
    public bool IsPrimary { get; set; }
    public string? LinkedinUrl { get; set; }
    public string? Sentiment { get; set; }
    public string? Notes { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
