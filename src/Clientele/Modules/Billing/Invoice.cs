using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>An invoice the tenant issued to a customer (seed 000).</summary>
[Table("invoices")]
public sealed class Invoice : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public string? InvoiceNumber { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";
    public string Status { get; set; } = "draft";
    public DateTime? IssuedAt { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? PaidAt { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
