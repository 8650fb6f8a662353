using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Limits;

/// <summary>The organization's use of a platform plan limit per calendar month (migration 0041; written by triggers).</summary>
[Table("plan_usage")]
public sealed class PlanUsage : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Metric { get; set; } = "";
    public DateOnly PeriodStart { get; set; }
    public long Used { get; set; }
    /// <summary>When owners were told 80% was used (once a month).</summary>
    public DateTime? WarnedAt { get; set; }
    /// <summary>When owners were told the limit was reached.</summary>
    public DateTime? ReachedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
