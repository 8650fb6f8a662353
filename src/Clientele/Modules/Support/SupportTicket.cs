using Clientele.Platform.Database;

namespace Clientele.Modules.Support;

/// <summary>A support request of the organization to the platform staff (seed 002).</summary>
[Table("support_tickets")]
public sealed class SupportTicket : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    public string Subject { get; set; } = "";
    public string Description { get; set; } = "";
    public string Priority { get; set; } = "";
    public string Status { get; set; } = "open";
    /// <summary>Platform staff (admin_users), not a tenant user.</summary>
    public Guid? AssignedTo { get; set; }
    public string[] Tags { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
}
