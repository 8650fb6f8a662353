using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>A WhatsApp / Instagram / webchat number of the tenant (seed 001).</summary>
[Table("phone_numbers")]
public sealed class PhoneNumber : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Platform { get; set; } = "";
    /// <summary>Meta's id of the WABA number or Instagram account.</summary>
    public string MetaPhoneNumberId { get; set; } = "";
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string? AccessToken { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>The public key a website embeds for webchat (and inbound email routing); server-assigned.</summary>
    public string PublicKey { get; set; } = "";
    /// <summary>Webchat: the origins allowed to call /webchat (CORS).</summary>
    public string[] AllowedOrigins { get; set; } = [];
    [ColumnType("jsonb")] public string Settings { get; set; } = "{}";
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
