using Clientele.Platform.Database;

namespace Clientele.Modules.Integrations;

/// <summary>A user's CRM connection (Salesforce, HubSpot) (seed 003).</summary>
[Table("integrations")]
public sealed class Integration : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public string Provider { get; set; } = "";
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string? AccessToken { get; set; }
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string? RefreshToken { get; set; }
    public string? InstanceUrl { get; set; }
    public DateTime? ExpiresAt { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
