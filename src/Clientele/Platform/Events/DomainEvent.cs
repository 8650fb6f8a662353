using Clientele.Platform.Database;

namespace Clientele.Platform.Events;

/// <summary>A named change (customer.updated, invoice.paid), kept by month (docs/automation.md).</summary>
[Table("domain_events")]
public sealed class DomainEvent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string EventType { get; set; } = "";
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    public Guid? CustomerId { get; set; }
    [ColumnType("jsonb")] public string Data { get; set; } = "{}";
    public string[] ChangedFields { get; set; } = [];
    [ColumnType("jsonb")] public string? Previous { get; set; }
    public string? ActorType { get; set; }
    public Guid? ActorId { get; set; }
    public DateTime CreatedAt { get; set; }
}
