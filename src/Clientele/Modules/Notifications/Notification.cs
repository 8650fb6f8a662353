using Clientele.Platform.Database;

namespace Clientele.Modules.Notifications;

/// <summary>An in-app notification to a user (seed 002).</summary>
[Table("notifications")]
public sealed class Notification : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public string Type { get; set; } = "";
    public string Category { get; set; } = "";
    public string Title { get; set; } = "";
    public string Message { get; set; } = "";
    [ColumnType("jsonb")] public string? Data { get; set; }
    public string? Link { get; set; }
    public bool IsRead { get; set; }
    public DateTime? ReadAt { get; set; }
    public bool IsArchived { get; set; }
    public DateTime CreatedAt { get; set; }
}
