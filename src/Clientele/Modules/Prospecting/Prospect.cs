using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>A person at a prospect company (seed 004).</summary>
[Table("prospects")]
public sealed class Prospect : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string FullName { get; set; } = "";
    public string Email { get; set; } = "";
    public string? LinkedinUrl { get; set; }
    public string? Location { get; set; }
    public Guid CompanyId { get; set; }
    public DateTime? LastContactedAt { get; set; }
    public bool IsActive { get; set; } = true;
    public string Status { get; set; } = "new";
    public string? JobTitle { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
