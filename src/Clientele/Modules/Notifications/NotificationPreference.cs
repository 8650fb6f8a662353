using Clientele.Platform.Database;

namespace Clientele.Modules.Notifications;

/// <summary>A user's delivery preferences for one notification type (seed 002).</summary>
[Table("notification_preferences")]
public sealed class NotificationPreference : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public string NotificationType { get; set; } = "";
    public bool InAppEnabled { get; set; } = true;
    public bool EmailEnabled { get; set; } = true;
    public string EmailFrequency { get; set; } = "immediate";
    /// <summary>Also post this type to the user's Slack connection (migration 0118; off unless chosen).</summary>
    public bool SlackEnabled { get; set; }
    public DateTime UpdatedAt { get; set; }
}
