using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A third-party system a customer has connected (seed 000).</summary>
[Table("customer_integrations")]
public sealed class CustomerIntegration : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string IntegrationType { get; set; } = "";
    public string Status { get; set; } = "active";
    [ColumnType("jsonb")] public string? Config { get; set; }
    public DateTime? LastSyncAt { get; set; }
    public string? LastSyncStatus { get; set; }
    public int ErrorCount { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
