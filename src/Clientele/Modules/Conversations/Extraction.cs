using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>Lead scoring extracted from a conversation, with history; is_latest marks the current one (seed 001).</summary>
[Table("extractions")]
public sealed class Extraction : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ConversationId { get; set; }
    public string CustomerPhone { get; set; } = "";
    public DateTime ExtractedAt { get; set; }
    public bool IsLatest { get; set; } = true;
    public int MessageCountAtExtraction { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Company { get; set; }
    public string? Intent { get; set; }
    public string? IntentLevel { get; set; }
    public int? IntentScore { get; set; }
    public string? UrgencyLevel { get; set; }
    public int? UrgencyScore { get; set; }
    public string? BudgetConstraint { get; set; }
    public int? BudgetScore { get; set; }
    public string? FitAlignment { get; set; }
    public int? FitScore { get; set; }
    public string? EngagementHealth { get; set; }
    public int? EngagementScore { get; set; }
    public string? CtaPricingClicked { get; set; }
    public string? CtaDemoClicked { get; set; }
    public string? CtaFollowupClicked { get; set; }
    public string? CtaSampleClicked { get; set; }
    public string? CtaWebsiteClicked { get; set; }
    public string? CtaEscalatedToHuman { get; set; }
    public int? TotalScore { get; set; }
    public string? LeadStatusTag { get; set; }
    public DateTime? DemoBookDatetime { get; set; }
    [ColumnType("jsonb")] public string? Reasoning { get; set; }
    public string? SmartNotification { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
