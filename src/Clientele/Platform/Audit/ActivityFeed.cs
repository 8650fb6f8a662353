using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Platform.Audit;

/// <summary>
/// Writes the organization's activity feed (seed 002's activity_logs) in the caller's transaction:
/// who (the signed-in user, an API key or the system, by name as it was then), did what
/// (action_type such as user.signed_in, invitation.sent, record.created), to which resource. Tenants
/// only read it (the resource is read-only); audit_logs stays the security trail.
/// </summary>
public static class ActivityFeed
{
    public static Task WriteAsync(TenantSession s, string action, string? resourceType = null, Guid? resourceId = null,
        string? resourceName = null, JsonObject? metadata = null, CancellationToken ct = default)
    {
        var t = s.Tenant;
        return s.ExecuteAsync("""
            INSERT INTO activity_logs (id, organization_id, user_id, actor_name, action_type, resource_type, resource_id, resource_name, metadata, ip_address)
            SELECT $1, $2, u.id,
                   left(coalesce(u.name, u.email, (SELECT 'API key ' || k.name FROM api_keys k WHERE k.organization_id = $2 AND k.id = $4),
                                 CASE $5 WHEN 'agent' THEN 'AI agent' ELSE 'System' END), 255),
                   $6, $7, $8, left($9, 255), $10, CASE WHEN $11::text ~ '^[0-9a-fA-F:.]+$' THEN $11::inet END
            FROM (SELECT 1) one LEFT JOIN users u ON u.organization_id = $2 AND u.id = $3
            """,
            [Guid.CreateVersion7(), t.OrganizationId, SqlArg.Uuid(t.UserId), SqlArg.Uuid(t.ApiKeyId), t.ActorType, action,
             SqlArg.Text(resourceType), SqlArg.Uuid(resourceId), SqlArg.Text(resourceName), SqlArg.Jsonb(metadata), SqlArg.Text(t.IpAddress)], ct);
    }

    /// <summary>The business records whose create/update/delete through the resource store appear in the feed
    /// (high-volume machine tables such as messages or usage stay out: audit_logs has them).</summary>
    public static readonly HashSet<string> Tracked = new(StringComparer.Ordinal)
    {
        "customers", "customer_contacts", "customer_notes", "deals", "leads", "prospects", "tasks", "contracts",
        "agents", "phone_numbers", "workflows", "triggers", "knowledge_articles", "playbooks", "meetings",
    };

    /// <summary>record.created / record.updated / record.deleted for a tracked table, named by the row's name, title, subject or email.</summary>
    public static Task RecordAsync(TenantSession s, string table, Guid id, string verb, JsonObject? row, CancellationToken ct)
    {
        if (!Tracked.Contains(table)) return Task.CompletedTask;
        string? name = null;
        foreach (var key in new[] { "name", "title", "subject", "company_name", "email" })
            if (row?[key] is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)) { name = text; break; }
        return WriteAsync(s, "record." + verb, table, id, name, null, ct);
    }
}
