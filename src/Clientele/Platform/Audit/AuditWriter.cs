using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Platform.Audit;

/// <summary>Appends audit_logs rows inside the caller's transaction, so the change and its record commit together.</summary>
public static class AuditWriter
{
    public static async Task WriteAsync(TenantSession session, string entityType, Guid? entityId, string action, JsonNode? changes, CancellationToken ct = default)
    {
        var t = session.Tenant;
        await session.ExecuteAsync("""
            INSERT INTO audit_logs (id, organization_id, entity_type, entity_id, action, actor_type, actor_id, changes, ip_address, user_agent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [Guid.CreateVersion7(), t.OrganizationId, entityType, SqlArg.Uuid(entityId), action, t.ActorType, SqlArg.Uuid(t.ActorId),
             SqlArg.Jsonb(changes), SqlArg.Typed(Truncate(t.IpAddress, 45), NpgsqlDbType.Varchar), SqlArg.Text(t.UserAgent)], ct);
    }

    /// <summary>{"before": {...}, "after": {...}} with only the fields that changed (updated_at left out).</summary>
    public static JsonObject Diff(JsonObject before, JsonObject after)
    {
        var b = new JsonObject();
        var a = new JsonObject();
        foreach (var (key, value) in after)
        {
            if (key is "updated_at" or "updated_by") continue;
            var old = before[key];
            if (JsonNode.DeepEquals(old, value)) continue;
            b[key] = old?.DeepClone();
            a[key] = value?.DeepClone();
        }
        return new JsonObject { ["before"] = b, ["after"] = a };
    }

    private static string? Truncate(string? s, int n) => s is null || s.Length <= n ? s : s[..n];
}
