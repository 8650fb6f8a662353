using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>An automated workflow: a trigger and an ordered list of actions (seed 000).</summary>
[Table("workflows")]
public sealed class Workflow : AuditedEntity
{
    public string Name { get; set; } = "";
    public string TriggerType { get; set; } = "";
    [ColumnType("jsonb")] public string? TriggerConfig { get; set; }
    [ColumnType("jsonb")] public string Actions { get; set; } = "[]";
    public bool IsActive { get; set; } = true;
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
