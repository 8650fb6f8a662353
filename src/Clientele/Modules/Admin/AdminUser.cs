using Clientele.Platform.Database;

namespace Clientele.Modules.Admin;

/// <summary>A member of the platform staff (seed 002): a separate realm, not a tenant row.</summary>
[Table("admin_users")]
public sealed class AdminUser : IEntity
{
    public Guid Id { get; set; }
    public string Email { get; set; } = "";
    /// <summary>ASP.NET Core PasswordHasher output.</summary>
    public string PasswordHash { get; set; } = "";
    public string FullName { get; set; } = "";
    public string AdminRole { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTime? LastLoginAt { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The TOTP secret as Data Protection ciphertext (BackOffice/StaffTwoFactor).</summary>
    public string? TotpSecret { get; set; }
    /// <summary>The last accepted TOTP time step: a code is accepted once.</summary>
    public long? TotpLastStep { get; set; }
}
