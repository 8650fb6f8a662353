using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>A task run on a cron schedule (seed 000).</summary>
[Table("scheduled_tasks")]
public sealed class ScheduledTask : AuditedEntity
{
    public string TaskName { get; set; } = "";
    public string TaskType { get; set; } = "";
    public string Schedule { get; set; } = "";
    [ColumnType("jsonb")] public string? Parameters { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime? LastRunAt { get; set; }
    public DateTime? NextRunAt { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
