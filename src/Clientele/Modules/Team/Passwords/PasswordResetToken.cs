using Clientele.Platform.Database;

namespace Clientele.Modules.Team.Passwords;

/// <summary>An emailed password-reset link (migration 0055): the token's hash, one hour, used once.</summary>
[Table("password_reset_tokens")]
public sealed class PasswordResetToken : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public string? IpAddress { get; set; }
    public DateTime CreatedAt { get; set; }
}
