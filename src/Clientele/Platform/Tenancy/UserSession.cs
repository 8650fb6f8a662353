using Clientele.Platform.Database;

namespace Clientele.Platform.Tenancy;

/// <summary>A signed-in browser (docs/security.md): the cookie carries only this row's id.</summary>
[Table("user_sessions")]
public sealed class UserSession : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
}
