using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A customer account: seed 000's customers merged with seed 003's (CSM view).</summary>
[Table("customers")]
public sealed class Customer : AuditedEntity
{
    public string Email { get; set; } = "";
    public string? Name { get; set; }
    public string? Plan { get; set; }
    public string? CompanyName { get; set; }
    public int? CompanySize { get; set; }
    public string? Industry { get; set; }
    public decimal? Mrr { get; set; }
    public decimal? Ltv { get; set; }
    public decimal? Arr { get; set; }
    public int? HealthScore { get; set; }
    public decimal? ChurnRisk { get; set; }
    public int? NpsScore { get; set; }
    public string? LeadSource { get; set; }
    public string? Country { get; set; }
    public string? Timezone { get; set; }
    public string? Language { get; set; }
    public string? Stage { get; set; }
    public Guid? CsmId { get; set; }
    public string? SalesforceId { get; set; }
    public string? HubspotId { get; set; }
    public string? Segment { get; set; }
    public DateOnly? RenewalDate { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
    /// <summary>When a privacy erase anonymised the customer (migration 0115); set only by POST /customers/{id}/erase.</summary>
    public DateTime? ErasedAt { get; set; }
}
