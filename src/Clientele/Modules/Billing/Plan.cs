using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>A plan of the organization's catalogue: what a plan code costs per billing cycle.</summary>
[Table("plans")]
public sealed class Plan : AuditedEntity
{
    public string Code { get; set; } = "";
    public string BillingCycle { get; set; } = "monthly";
    public string Name { get; set; } = "";
    public decimal BasePrice { get; set; }
    public decimal PricePerSeat { get; set; }
    public string Currency { get; set; } = "USD";
    /// <summary>[{"event_type","included","unit_price"}] per period.</summary>
    [ColumnType("jsonb")] public string UsagePricing { get; set; } = "[]";
    /// <summary>Product features (feature_usage.feature_name) the plan includes; empty = not listed. Success reads it to detect a feature used beyond the plan.</summary>
    public string[] IncludedFeatures { get; set; } = [];
    public int TrialDays { get; set; }
    public bool IsActive { get; set; } = true;
}
