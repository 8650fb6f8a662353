using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>The AI sales agent answering on one phone number (seed 001).</summary>
[Table("agents")]
public sealed class Agent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid PhoneNumberId { get; set; }
    public string PromptId { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
}
