using Clientele.Platform.Database;

namespace Clientele.Modules.Email;

/// <summary>An address a delivery status notification said cannot be delivered to (migration 0091): not sent to again.</summary>
[Table("email_bounces")]
public sealed class EmailBounce : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Address { get; set; } = "";
    public string? Reason { get; set; }
    public string? MessageId { get; set; }
    public int Bounces { get; set; }
    public DateTime FirstBouncedAt { get; set; }
    public DateTime LastBouncedAt { get; set; }
}
