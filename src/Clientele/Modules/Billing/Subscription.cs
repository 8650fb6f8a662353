using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A customer's subscription to the tenant's product (seed 000).</summary>
[Table("subscriptions")]
public sealed class Subscription : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string Plan { get; set; } = "free";
    public string BillingCycle { get; set; } = "monthly";
    public decimal? Mrr { get; set; }
    public decimal? Arr { get; set; }
    public int SeatsTotal { get; set; } = 1;
    public int SeatsUsed { get; set; }
    public string Status { get; set; } = "active";
    public DateTime? CurrentPeriodStart { get; set; }
    public DateTime? CurrentPeriodEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public DateTime? CanceledAt { get; set; }
    public DateTime? TrialStart { get; set; }
    public DateTime? TrialEnd { get; set; }
    /// <summary>A downgrade waiting for the period end (applied by the renewal run).</summary>
    public string? ScheduledPlan { get; set; }
    public string? ScheduledBillingCycle { get; set; }
    /// <summary>The period end renewal.upcoming was published for.</summary>
    public DateTime? RenewalNoticeFor { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
