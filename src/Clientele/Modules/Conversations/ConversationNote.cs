using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>A private note on a conversation (issue 9): for the team, never sent, never shown to the AI.</summary>
[Table("conversation_notes")]
public sealed class ConversationNote : AuditedEntity
{
    public Guid ConversationId { get; set; }
    public Guid? AuthorId { get; set; }
    public string Content { get; set; } = "";
}
