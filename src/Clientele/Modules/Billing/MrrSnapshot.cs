using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>The organization's MRR/ARR for one calendar month (the last snapshot taken in it, or a backfill).</summary>
[Table("mrr_snapshots")]
public sealed class MrrSnapshot : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>The month's first day.</summary>
    public DateOnly Month { get; set; }
    public decimal Mrr { get; set; }
    public decimal Arr { get; set; }
    public int Subscriptions { get; set; }
    /// <summary>snapshot (live sums when the job ran) or backfill (rebuilt from subscription rows).</summary>
    public string Source { get; set; } = "snapshot";
    public DateTime AsOf { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
