using Clientele.Platform.Database;

namespace Clientele.Modules.Integrations;

/// <summary>Google OAuth tokens: the organization's (user_id NULL, seed 001) or a user's (seed 003).</summary>
[Table("google_tokens")]
public sealed class GoogleToken : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string AccessToken { get; set; } = "";
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string RefreshToken { get; set; } = "";
    public string? TokenType { get; set; } = "Bearer";
    public DateTime ExpiresAt { get; set; }
    public string[] Scopes { get; set; } = [];
    public string? Email { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
