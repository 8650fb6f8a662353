using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A segment a customer was placed in (industry, lifecycle, value, behavior, risk).</summary>
[Table("customer_segments")]
public sealed class CustomerSegment : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string SegmentName { get; set; } = "";
    public string SegmentType { get; set; } = "";
    public decimal? ConfidenceScore { get; set; }
    public DateTime AssignedAt { get; set; }
    public string? AssignedBy { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
