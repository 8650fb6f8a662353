using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A recorded health score of a customer with its components (seed 003).</summary>
[Table("health_score_history")]
public sealed class HealthScoreHistoryEntry : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public int Score { get; set; }
    [ColumnType("jsonb")] public string? Components { get; set; }
    public DateTime RecordedAt { get; set; }
}
