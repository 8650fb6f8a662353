using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Modules.Notifications;

/// <summary>In-app notifications (seed 002's notifications) for the organization's owners and admins.</summary>
public static class Notifier
{
    /// <summary>
    /// Notifies owners and admins, unless a notification of the same category was created in the
    /// last `quietFor` (so a condition that persists does not flood them). Returns how many were written.
    /// </summary>
    public static async Task<int> NotifyAdminsAsync(TenantSession s, string type, string category, string title, string message, JsonObject? data, TimeSpan quietFor, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            INSERT INTO notifications (id, organization_id, user_id, type, category, title, message, data)
            SELECT gen_random_uuid(), u.organization_id, u.id, $2, $3, $4, $5, $6
            FROM users u
            WHERE u.organization_id = $1 AND u.role IN ('owner', 'admin') AND u.deleted_at IS NULL AND u.is_active
              AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.organization_id = $1 AND n.category = $3 AND n.created_at > now() - $7)
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(category);
        cmd.Parameters.AddWithValue(title);
        cmd.Parameters.AddWithValue(message);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)data?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.AddWithValue(quietFor);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
