using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A message of the free-form assistant chat (seed 003).</summary>
[Table("chat_messages")]
public sealed class ChatMessage : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? UserId { get; set; }
    public string Role { get; set; } = "";
    public string Content { get; set; } = "";
    public string? AgentType { get; set; }
    [ColumnType("jsonb")] public string? ToolCalls { get; set; }
    /// <summary>Client-generated chat session id, not a foreign key.</summary>
    public string? SessionId { get; set; }
    public DateTime CreatedAt { get; set; }
}
