using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A credit granted to a customer (seed 000).</summary>
[Table("credits")]
public sealed class Credit : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";
    public string CreditType { get; set; } = "";
    public string? Reason { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public decimal UsedAmount { get; set; }
    public string Status { get; set; } = "active";
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
