using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>A tag put on a conversation by a person or an agent (seed 000).</summary>
[Table("conversation_tags")]
public sealed class ConversationTag : AuditedEntity
{
    public Guid ConversationId { get; set; }
    public string Tag { get; set; } = "";
    public string? TagCategory { get; set; }
    public decimal? Confidence { get; set; }
    public string? TaggedBy { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
