using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>A call, email, meeting or other touch on a deal or lead (seed 000).</summary>
[Table("sales_activities")]
public sealed class SalesActivity : AuditedEntity
{
    public Guid? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public string ActivityType { get; set; } = "";
    public string? Subject { get; set; }
    public string? Description { get; set; }
    public string? Outcome { get; set; }
    public DateTime? ScheduledAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public Guid? PerformedBy { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
    public DateTime? OverdueNotifiedAt { get; set; }
}
