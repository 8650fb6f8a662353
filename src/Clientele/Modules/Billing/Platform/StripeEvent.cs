using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Platform;

/// <summary>A Stripe webhook event as received (migration 0060): recorded once per Stripe event id, then processed by the outbox.</summary>
[Table("stripe_events")]
public sealed class StripeEvent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string StripeEventId { get; set; } = "";
    public string Type { get; set; } = "";
    /// <summary>Stripe's `created` of the event: what orders events that arrive out of order.</summary>
    public DateTime StripeCreated { get; set; }
    [ColumnType("jsonb")] public string Payload { get; set; } = "{}";
    public DateTime ReceivedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    /// <summary>What processing did ("applied", "stale: ...", "ignored: ...").</summary>
    public string? Outcome { get; set; }
}
