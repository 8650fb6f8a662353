using Clientele.Platform.Database;

namespace Clientele.Platform.Tenancy;

/// <summary>A person of the organization: seed 002's users merged with seed 000's employees.</summary>
[Table("users")]
public sealed class User : AuditedEntity
{
    public string Email { get; set; } = "";
    public string? Name { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string Role { get; set; } = Roles.Member;
    public string? Department { get; set; }
    public string? JobTitle { get; set; }
    public bool IsActive { get; set; } = true;
    public string? PasswordHash { get; set; }
    public string? AvatarUrl { get; set; }
    [ColumnType("jsonb")] public string? Preferences { get; set; }
    public DateTime? LastLoginAt { get; set; }
    public DateTime? LastActiveAt { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
