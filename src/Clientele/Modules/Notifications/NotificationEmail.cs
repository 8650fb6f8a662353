using Clientele.Platform.Database;

namespace Clientele.Modules.Notifications;

/// <summary>An email owed for a notification (migration 0090): sent at once or gathered into a digest when due.</summary>
[Table("notification_emails")]
public sealed class NotificationEmail : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public Guid? NotificationId { get; set; }
    public string Type { get; set; } = "";
    public string Category { get; set; } = "";
    public string Title { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Link { get; set; }
    public string Frequency { get; set; } = "immediate";
    public DateTime DueAt { get; set; }
    public string Status { get; set; } = "pending";
    public DateTime? SentAt { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
}
