using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A metered usage event of a customer: seed 000's usage_events merged with seed 003's.</summary>
[Table("usage_events")]
public sealed class UsageEvent : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string EventType { get; set; } = "";
    public int Quantity { get; set; } = 1;
    public string? Unit { get; set; }
    /// <summary>Seed 003's user_id: the customer's end user, not a Clientele user.</summary>
    public string? EndUserId { get; set; }
    public DateTime Timestamp { get; set; }
    /// <summary>The client's id of the event: a replay of the same id changes nothing.</summary>
    public string? IdempotencyId { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
