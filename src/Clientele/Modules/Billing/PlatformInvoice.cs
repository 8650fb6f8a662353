using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A Stripe invoice of the platform to the organization (seed 002's invoices).</summary>
[Table("platform_invoices")]
public sealed class PlatformInvoice : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public string? StripeInvoiceId { get; set; }
    public decimal Amount { get; set; }
    public string Status { get; set; } = "";
    public string? InvoicePdf { get; set; }
    public DateTime DueDate { get; set; }
    public DateTime? PaidAt { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Stripe's `created` of the event that last set this row (an older event never overwrites it).</summary>
    public DateTime? StripeEventAt { get; set; }
}
