using Clientele.Platform.Database;

namespace Clientele.Modules.Team;

/// <summary>An invitation to join the organization (seed 002).</summary>
[Table("team_invitations")]
public sealed class TeamInvitation : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid InvitedBy { get; set; }
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>Random secret sent by email (or its hash); looked up by clientele_find_invitation.</summary>
    public string Token { get; set; } = "";
    public string Status { get; set; } = "pending";
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
