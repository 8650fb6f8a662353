using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A line of an invoice: base, seat, usage, proration or (negative) credit.</summary>
[Table("invoice_lines")]
public sealed class InvoiceLine : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid InvoiceId { get; set; }
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public decimal Quantity { get; set; } = 1;
    public decimal UnitPrice { get; set; }
    /// <summary>quantity × unit_price rounded half-even to the cent, set by the database.</summary>
    public decimal Amount { get; set; }
    public DateTime? PeriodStart { get; set; }
    public DateTime? PeriodEnd { get; set; }
    public string? EventType { get; set; }
    public Guid? CreditId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
