using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A message of a copilot session (seed 003).</summary>
[Table("agent_messages")]
public sealed class AgentMessage : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid SessionId { get; set; }
    public string? AgentId { get; set; }
    public string Role { get; set; } = "";
    public string Content { get; set; } = "";
    public bool Thinking { get; set; }
    public bool RequiresApproval { get; set; }
    public string? DeployedAgent { get; set; }
    [ColumnType("jsonb")] public string? ToolCalls { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
