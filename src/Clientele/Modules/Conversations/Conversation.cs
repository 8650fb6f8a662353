using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>A conversation: seed 000's multi-agent support chat with a customer merged with seed 001's channel chat with a phone.</summary>
[Table("conversations")]
public sealed class Conversation : AuditedEntity
{
    public Guid? CustomerId { get; set; }
    public Guid? AgentId { get; set; }
    public string? CustomerPhone { get; set; }
    public string? OpenaiConversationId { get; set; }
    public string Status { get; set; } = "active";
    public string? Channel { get; set; }
    public string? PrimaryIntent { get; set; }
    public decimal? IntentConfidence { get; set; }
    public string? Emotion { get; set; }
    public string[] AgentsInvolved { get; set; } = [];
    public string? ResolvedByAgent { get; set; }
    public double? SentimentAvg { get; set; }
    public string[] KbArticlesUsed { get; set; } = [];
    public int? FirstResponseTimeSeconds { get; set; }
    public int? ResolutionTimeSeconds { get; set; }
    public int? CsatScore { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime? LastActivityAt { get; set; }
    public DateTime? LastMessageAt { get; set; }
    public DateTime? LastExtractionAt { get; set; }
    public bool IsActive { get; set; } = true;
    /// <summary>The user handling the conversation (operator assignment).</summary>
    public Guid? AssignedTo { get; set; }
    /// <summary>The channel (phone_numbers row) the conversation runs on.</summary>
    public Guid? PhoneNumberId { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
