using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// What staff did to an organization, told to that organization in its activity feed
/// (activity_logs), named as "Clientele staff (name)" so the tenant knows who looked or acted.
/// </summary>
public static class StaffActivity
{
    public static string ActorName(StaffMember staff) => $"Clientele staff ({staff.Name})";

    public static Task WriteAsync(TenantSession s, StaffMember staff, string action, string? resourceType, Guid? resourceId,
        string? resourceName, JsonObject? metadata, CancellationToken ct) =>
        s.ExecuteAsync("""
            INSERT INTO activity_logs (id, organization_id, user_id, actor_name, action_type, resource_type, resource_id, resource_name, metadata, ip_address)
            VALUES ($1, $2, NULL, left($3, 255), $4, $5, $6, left($7, 255), $8, $9::inet)
            """,
            [Guid.CreateVersion7(), s.OrganizationId, ActorName(staff), action, SqlArg.Text(resourceType), SqlArg.Uuid(resourceId),
             SqlArg.Text(resourceName), SqlArg.Jsonb(metadata), StaffAudit.Normalize(staff.Ip).ToString()], ct);
}
