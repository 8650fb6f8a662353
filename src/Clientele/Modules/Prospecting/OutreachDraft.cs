using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>An AI-drafted outreach message to a prospect, awaiting review (seed 004).</summary>
[Table("outreach_drafts")]
public sealed class OutreachDraft : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProspectId { get; set; }
    public Guid? EventId { get; set; }
    public string DraftType { get; set; } = "";
    public string Content { get; set; } = "";
    public string Status { get; set; } = "draft";
    public string? Subject { get; set; }
    [ColumnType("jsonb")] public string? Citations { get; set; }
    public Guid? ResearchId { get; set; }
    public Guid? ApprovalId { get; set; }
    public DateTime? SentAt { get; set; }
    public Guid? InteractionId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
