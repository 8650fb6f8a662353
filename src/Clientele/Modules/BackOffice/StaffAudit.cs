using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// Writes admin_audit_logs (append-only: the app role may INSERT and SELECT, a trigger refuses
/// UPDATE, DELETE and TRUNCATE) in the caller's transaction, so an action and its record commit together.
/// </summary>
public static class StaffAudit
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid staffId, IPAddress ip, string action,
        string? resourceType, Guid? resourceId, JsonObject? details, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO admin_audit_logs (id, admin_user_id, action_type, resource_type, resource_id, details, ip_address)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, conn, tx);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7());
        cmd.Parameters.AddWithValue(staffId);
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)resourceType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)resourceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)details?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Normalize(ip), NpgsqlDbType = NpgsqlDbType.Inet });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>IPv4 seen through a dual-stack socket (::ffff:a.b.c.d) is stored as a.b.c.d.</summary>
    public static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}
