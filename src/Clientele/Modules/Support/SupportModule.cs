using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Support;

/// <summary>
/// Seed 002's support tickets from organizations to the platform staff (docs/admin.md). Tenants
/// open tickets through the generic resource or /app/support and talk through
/// /api/v1/support_tickets/{id}/comments; staff answer from /admin/tickets (BackOffice).
/// </summary>
public sealed class SupportModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        // Staff assign and resolve tickets (admin_users); a tenant opens them and comments.
        r.Table("support_tickets").ReadOnlyColumn("assigned_to", "status", "resolved_at")
            .Describe("The organization's support requests to Clientele staff: subject, description, priority and tags; status, assignee and resolved_at are set by staff. The conversation is at /api/v1/support_tickets/{id}/comments.");
        // Comments have their own endpoints: the author is the credential's user, never chosen by the body.
        r.Hide("support_ticket_comments");
    }

    public void MapEndpoints(RouteGroupBuilder api) => SupportApi.Map(api);
}
