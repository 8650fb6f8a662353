using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics.Experiments;

/// <summary>An experiment on an AI agent (issue 14 item 3): weighted variants, running or stopped.</summary>
[Table("agent_experiments")]
public sealed class AgentExperiment : AuditedEntity
{
    public string TestName { get; set; } = "";
    public Guid AgentId { get; set; }
    /// <summary>[{"name","weight","prompt"?,"model"?,"temperature"?}] (ExperimentVariants).</summary>
    [ColumnType("jsonb")] public string Variants { get; set; } = "[]";
    public string Status { get; set; } = "running";
    public DateTime StartedAt { get; set; }
    public DateTime? StoppedAt { get; set; }
}
