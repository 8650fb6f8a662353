using Clientele.Platform.Database;

namespace Clientele.Modules.Support;

/// <summary>A comment on a support ticket by a user, an admin or the system (seed 002).</summary>
[Table("support_ticket_comments")]
public sealed class SupportTicketComment : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid TicketId { get; set; }
    public string AuthorType { get; set; } = "";
    /// <summary>A users row (author_type user) or an admin_users row (admin): no foreign key.</summary>
    public Guid AuthorId { get; set; }
    public string Comment { get; set; } = "";
    public bool IsInternal { get; set; }
    public DateTime CreatedAt { get; set; }
}
