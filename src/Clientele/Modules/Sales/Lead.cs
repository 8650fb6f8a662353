using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>A sales lead with BANT qualification (seed 000).</summary>
[Table("leads")]
public sealed class Lead : AuditedEntity
{
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? Company { get; set; }
    public string? Title { get; set; }
    public string? Phone { get; set; }
    public string? Budget { get; set; }
    public string? Authority { get; set; }
    public decimal? NeedScore { get; set; }
    public string? Timeline { get; set; }
    public int LeadScore { get; set; }
    public string QualificationStatus { get; set; } = "new";
    public string? Source { get; set; }
    public Guid? AssignedTo { get; set; }
    public Guid? ConvertedToCustomerId { get; set; }
    public DateTime? ConvertedAt { get; set; }
    /// <summary>The conversation the AI agents qualified this lead in (migration 0025; one lead per conversation).</summary>
    public Guid? ConversationId { get; set; }
    public Guid? CustomerId { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
