using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>A message or status a provider delivered, kept once per provider id (redeliveries change nothing); unreadable ones are kept as rejected.</summary>
[Table("inbound_events")]
public sealed class InboundEvent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Provider { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public Guid PhoneNumberId { get; set; }
    [ColumnType("jsonb")] public string Payload { get; set; } = "{}";
    public DateTime ReceivedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    /// <summary>received, or rejected: the parser could not read the item (RejectedReason says why); never processed.</summary>
    public string Status { get; set; } = "received";
    public string? RejectedReason { get; set; }
    // The queue columns (migration 0100): the event is its own unit of background work.
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 8;
    public DateTime AvailableAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeadAt { get; set; }
}
