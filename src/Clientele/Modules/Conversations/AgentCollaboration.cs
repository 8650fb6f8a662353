using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>Several logical agents working on one conversation together (seed 000).</summary>
[Table("agent_collaborations")]
public sealed class AgentCollaboration : AuditedEntity
{
    public Guid ConversationId { get; set; }
    public string CollaborationType { get; set; } = "";
    public string[] AgentsInvolved { get; set; } = [];
    public string? CoordinatorAgent { get; set; }
    public DateTime StartTime { get; set; }
    public DateTime? EndTime { get; set; }
    public int? DurationMs { get; set; }
    public string? Outcome { get; set; }
    public bool? ConsensusReached { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
