using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A Stripe payment method of the organization (seed 002).</summary>
[Table("payment_methods")]
public sealed class PaymentMethod : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string? StripePaymentMethodId { get; set; }
    public string Type { get; set; } = "";
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public int? CardExpMonth { get; set; }
    public int? CardExpYear { get; set; }
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Stripe's `created` of the event that last set this row (an older event never overwrites it).</summary>
    public DateTime? StripeEventAt { get; set; }
}
