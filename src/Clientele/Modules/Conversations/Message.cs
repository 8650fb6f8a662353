using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>A message of a conversation (seeds 000 and 001); sequence_no is assigned by a trigger when omitted.</summary>
[Table("messages")]
public sealed class Message : AuditedEntity
{
    public Guid ConversationId { get; set; }
    /// <summary>Assigned by the messages_next_sequence trigger when not given (read-only in the API).</summary>
    public int SequenceNo { get; set; }
    public string Role { get; set; } = "";
    public string Content { get; set; } = "";
    public string? AgentName { get; set; }
    public string? Intent { get; set; }
    public double? Sentiment { get; set; }
    public double? Confidence { get; set; }
    public decimal? AgentConfidence { get; set; }
    public string? Urgency { get; set; }
    public string? ModelUsed { get; set; }
    public int? TokensUsed { get; set; }
    public DateTime Timestamp { get; set; }
    public string? Status { get; set; }
    public string? PlatformMessageId { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
