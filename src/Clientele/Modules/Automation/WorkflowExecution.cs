using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>One run of a workflow (seed 000).</summary>
[Table("workflow_executions")]
public sealed class WorkflowExecution : AuditedEntity
{
    public Guid WorkflowId { get; set; }
    public string Status { get; set; } = "running";
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? ErrorMessage { get; set; }
    [ColumnType("jsonb")] public string? ExecutionLog { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
