using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>A touch with a prospect: email, call, meeting, ... (seed 004).</summary>
[Table("interactions")]
public sealed class Interaction : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProspectId { get; set; }
    public Guid? EventId { get; set; }
    public string InteractionType { get; set; } = "";
    public DateTime InteractionDate { get; set; }
    public string Subject { get; set; } = "";
    public string Content { get; set; } = "";
    public string? Sentiment { get; set; }
    public string? Outcome { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
