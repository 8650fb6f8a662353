using Clientele.Platform.Database;

namespace Clientele.Platform.Tenancy;

/// <summary>An API key: only its SHA-256 is stored (see ApiKeyMaterial).</summary>
[Table("api_keys")]
public sealed class ApiKey : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public byte[] KeyHash { get; set; } = [];
    public string[] Scopes { get; set; } = [];
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public Guid? UpdatedBy { get; set; }
}
