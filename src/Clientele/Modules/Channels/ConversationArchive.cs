using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>A relink of a phone number to another agent, which archived its conversations (seed 001).</summary>
[Table("conversation_archives")]
public sealed class ConversationArchive : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>No foreign key: the old agent may be gone.</summary>
    public Guid OldAgentId { get; set; }
    public Guid NewAgentId { get; set; }
    public Guid PhoneNumberId { get; set; }
    public int ArchivedConversationsCount { get; set; }
    public DateTime ArchivedAt { get; set; }
    public string? Reason { get; set; } = "Agent relinked";
}
