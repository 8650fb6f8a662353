using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A change in a customer's health or churn risk worth attention (seed 000).</summary>
[Table("customer_health_events")]
public sealed class CustomerHealthEvent : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string EventType { get; set; } = "";
    public decimal? OldValue { get; set; }
    public decimal? NewValue { get; set; }
    public string? Reason { get; set; }
    public string? DetectedBy { get; set; }
    public string Severity { get; set; } = "low";
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
