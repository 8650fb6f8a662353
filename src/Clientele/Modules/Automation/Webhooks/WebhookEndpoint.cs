using Clientele.Platform.Database;

namespace Clientele.Modules.Automation.Webhooks;

/// <summary>A URL of the tenant's that receives signed domain events (docs/automation.md "Webhooks").</summary>
[Table("webhook_endpoints")]
public sealed class WebhookEndpoint : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Url { get; set; } = "";
    public string? Description { get; set; }
    public string[] Events { get; set; } = [];
    public string Secret { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTime? FailingSince { get; set; }
    public string? DisabledReason { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public Guid? UpdatedBy { get; set; }
}

/// <summary>One event sent (or being retried) to one endpoint, with how it went.</summary>
[Table("webhook_deliveries")]
public sealed class WebhookDelivery : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid EndpointId { get; set; }
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Payload { get; set; } = "";
    public string Status { get; set; } = "pending";
    public int Attempts { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public string? LastResponseBody { get; set; }
    public int? LastDurationMs { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public Guid? ReplayOf { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
