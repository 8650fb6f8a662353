using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A payment by a customer, optionally against an invoice (seed 000).</summary>
[Table("payments")]
public sealed class Payment : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public Guid? InvoiceId { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";
    public string Status { get; set; } = "pending";
    public string? PaymentMethod { get; set; }
    public string? TransactionId { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public string? FailedReason { get; set; }
    public decimal RefundedAmount { get; set; }
    /// <summary>The part of the refunds that reopened the invoice balance (the rest became a credit).</summary>
    public decimal ReopenedAmount { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
