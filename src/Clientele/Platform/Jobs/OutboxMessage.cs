using Clientele.Platform.Database;

namespace Clientele.Platform.Jobs;

/// <summary>A unit of background work, committed with the change that needs it.</summary>
[Table("outbox")]
public sealed class OutboxMessage : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Topic { get; set; } = "";
    [ColumnType("jsonb")] public string Payload { get; set; } = "{}";
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 8;
    public DateTime AvailableAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public DateTime? DeadAt { get; set; }
}
