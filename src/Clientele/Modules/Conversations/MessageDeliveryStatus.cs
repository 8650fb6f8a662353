using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>Delivery state of an outbound message as reported by the platform (seed 001).</summary>
[Table("message_delivery_status")]
public sealed class MessageDeliveryStatus : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid MessageId { get; set; }
    public string? PlatformMessageId { get; set; }
    public string Status { get; set; } = "pending";
    public string? ErrorMessage { get; set; }
    public DateTime UpdatedAt { get; set; }
}
