using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A churn risk signal on a customer (seed 003).</summary>
[Table("risk_signals")]
public sealed class RiskSignal : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public string SignalType { get; set; } = "";
    public string Severity { get; set; } = "";
    public string? Description { get; set; }
    public DateTime DetectedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolutionNotes { get; set; }
    public bool AutoDetected { get; set; }
    public string? Source { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
}
