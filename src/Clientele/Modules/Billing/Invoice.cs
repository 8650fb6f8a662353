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
    /// <summary>Sum of the non-credit lines; <see cref="Amount"/> is the total after credits.</summary>
    public decimal Subtotal { get; set; }
    public decimal CreditsApplied { get; set; }
    public decimal AmountPaid { get; set; }
    public DateTime? PeriodStart { get; set; }
    public DateTime? PeriodEnd { get; set; }
    public string BillingReason { get; set; } = "manual";
    public DateTime? VoidedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int RemindersSent { get; set; }
    public DateTime? LastReminderAt { get; set; }
    /// <summary>When the billing run first found it past due (invoice.overdue published then).</summary>
    public DateTime? OverdueAt { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
