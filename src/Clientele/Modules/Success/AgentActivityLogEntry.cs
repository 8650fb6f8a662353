using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>An action an assistant agent took, nested by parent_action_id (seed 003).</summary>
[Table("agent_activity_log")]
public sealed class AgentActivityLogEntry : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? UserId { get; set; }
    public string AgentType { get; set; } = "";
    public string ActionType { get; set; } = "";
    [ColumnType("jsonb")] public string? ActionData { get; set; }
    [ColumnType("jsonb")] public string? ResultData { get; set; }
    public string Status { get; set; } = "pending";
    public string? ErrorMessage { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public int? DurationMs { get; set; }
    /// <summary>The caller's free-form session identifier, not a foreign key.</summary>
    public string? SessionId { get; set; }
    public Guid? ParentActionId { get; set; }
}
