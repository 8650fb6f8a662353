using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>A handoff of a conversation from one logical agent to another (seed 000).</summary>
[Table("agent_handoffs")]
public sealed class AgentHandoff : AuditedEntity
{
    public Guid ConversationId { get; set; }
    public string FromAgent { get; set; } = "";
    public string ToAgent { get; set; } = "";
    public string? HandoffReason { get; set; }
    [ColumnType("jsonb")] public string? StateTransferred { get; set; }
    public decimal? ConfidenceBefore { get; set; }
    public DateTime Timestamp { get; set; }
    public int? LatencyMs { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
