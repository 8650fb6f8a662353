using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>One firing of a trigger (seed 003).</summary>
[Table("trigger_events")]
public sealed class TriggerEvent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid TriggerId { get; set; }
    public Guid? CustomerId { get; set; }
    public string EventType { get; set; } = "";
    [ColumnType("jsonb")] public string? EventData { get; set; }
    [ColumnType("jsonb")] public string? ActionsExecuted { get; set; }
    public bool? Success { get; set; }
    public string? ErrorMessage { get; set; }
    public DateTime FiredAt { get; set; }
}
