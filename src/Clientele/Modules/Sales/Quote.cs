using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>A price quote for a deal or customer (seed 000).</summary>
[Table("quotes")]
public sealed class Quote : AuditedEntity
{
    public Guid? DealId { get; set; }
    public Guid? CustomerId { get; set; }
    public string? QuoteNumber { get; set; }
    public decimal? TotalAmount { get; set; }
    public string Currency { get; set; } = "USD";
    public string Status { get; set; } = "draft";
    public DateTime? ValidUntil { get; set; }
    public DateTime? AcceptedAt { get; set; }
    [ColumnType("jsonb")] public string LineItems { get; set; } = "[]";
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
