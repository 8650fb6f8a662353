using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>A sales opportunity moving through the pipeline (seed 000).</summary>
[Table("deals")]
public sealed class Deal : AuditedEntity
{
    public Guid? LeadId { get; set; }
    public Guid? CustomerId { get; set; }
    public string Name { get; set; } = "";
    public decimal Value { get; set; }
    public string Currency { get; set; } = "USD";
    public string Stage { get; set; } = "prospecting";
    public int Probability { get; set; }
    public DateTime? ExpectedCloseDate { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? LostReason { get; set; }
    public Guid? AssignedTo { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
