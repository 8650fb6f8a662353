using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Audit;

/// <summary>Appends audit_logs rows inside the caller's transaction, so the change and its record commit together.</summary>
public static class AuditWriter
{
    public static async Task WriteAsync(TenantSession session, string entityType, Guid? entityId, string action, JsonNode? changes, CancellationToken ct = default)
    {
        var t = session.Tenant;
        await using var cmd = await session.CommandAsync("""
            INSERT INTO audit_logs (id, organization_id, entity_type, entity_id, action, actor_type, actor_id, changes, ip_address, user_agent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = t.OrganizationId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = entityType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)entityId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = action });
        cmd.Parameters.Add(new NpgsqlParameter { Value = t.ActorType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)t.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)changes?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)Truncate(t.IpAddress, 45) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)t.UserAgent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
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
