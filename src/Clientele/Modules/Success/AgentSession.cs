using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A CSM's session with the multi-agent copilot (seed 003).</summary>
[Table("agent_sessions")]
public sealed class AgentSession : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? UserId { get; set; }
    public string Status { get; set; } = "active";
    public string? ActiveAgent { get; set; }
    public string[] DeployedAgents { get; set; } = [];
    [ColumnType("jsonb")] public string? Context { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? EndedAt { get; set; }
}
