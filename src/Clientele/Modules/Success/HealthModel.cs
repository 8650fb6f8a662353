using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A health model: component weights and event thresholds, for the organization or one segment (docs/success.md).</summary>
[Table("health_models")]
public sealed class HealthModel : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public string? Segment { get; set; }
    [ColumnType("jsonb")] public string Weights { get; set; } = "{}";
    [ColumnType("jsonb")] public string Thresholds { get; set; } = "{}";
    public bool IsActive { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A customer's latest health computation: score, churn risk, confidence and the components with their evidence.</summary>
[Table("customer_health_scores")]
public sealed class CustomerHealthScore : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid? ModelId { get; set; }
    public string ModelName { get; set; } = "";
    public int? Score { get; set; }
    public decimal? ChurnRisk { get; set; }
    public decimal Confidence { get; set; }
    [ColumnType("jsonb")] public string Components { get; set; } = "{}";
    public DateTime ComputedAt { get; set; }
}

/// <summary>A pending, debounced recomputation of one customer's health (one per customer).</summary>
[Table("health_recompute_requests")]
public sealed class HealthRecomputeRequest : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public DateTime DueAt { get; set; }
    public string[] Reasons { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}
