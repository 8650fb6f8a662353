using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>Metered usage of the organization reported to Stripe (seed 002).</summary>
[Table("usage_records")]
public sealed class UsageRecord : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? SubscriptionId { get; set; }
    public string MetricType { get; set; } = "";
    public int Quantity { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When Stripe accepted the meter event (null: not reported yet).</summary>
    public DateTime? ReportedAt { get; set; }
    /// <summary>The meter event's identifier at Stripe (kept once by Stripe, so a repeated report is harmless).</summary>
    public string? StripeIdentifier { get; set; }
}
