using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>The organization's own Stripe subscription to the platform (seed 002's subscriptions).</summary>
[Table("platform_subscriptions")]
public sealed class PlatformSubscription : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string? StripeCustomerId { get; set; }
    public string? StripeSubscriptionId { get; set; }
    public string Plan { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTime? CurrentPeriodStart { get; set; }
    public DateTime? CurrentPeriodEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public DateTime? TrialEnd { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Stripe's `created` of the event that last set this row (an older event never overwrites it).</summary>
    public DateTime? StripeEventAt { get; set; }
}
