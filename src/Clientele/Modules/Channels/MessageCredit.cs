using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>The organization's prepaid AI message credits (seed 001's credits), one row per organization.</summary>
[Table("message_credits")]
public sealed class MessageCredit : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public int RemainingCredits { get; set; }
    public int TotalUsed { get; set; }
    /// <summary>Kept current by the clientele_touch_last_updated trigger.</summary>
    public DateTime LastUpdated { get; set; }
}
