using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Support;

/// <summary>Seed 002's support tickets from organizations to the platform staff.</summary>
public sealed class SupportModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        // Staff assign tickets (admin_users); a tenant cannot.
        r.Table("support_tickets").ReadOnlyColumn("assigned_to")
            .Describe("The organization's support requests to the platform, with priority, status, tags and assigned staff.");
        r.Table("support_ticket_comments")
            .Describe("Comments on support tickets by users, staff or the system (staff-internal comments are not visible).");
    }
}
