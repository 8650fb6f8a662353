using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Modules.Channels;

/// <summary>
/// message_delivery_status kept current and monotonic: pending → sent → delivered → read, and
/// failed only before delivery. A status that arrives out of order never moves a message back
/// (read stays read when a late "delivered" arrives).
/// </summary>
public static class DeliveryStatuses
{
    private static string Rank(string status) => $"CASE {status} WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 END";

    /// <summary>The first status of a new outbound message ("pending"), as a batch command.</summary>
    public static Npgsql.NpgsqlBatchCommand PendingCommand(TenantSession s, Guid messageId)
    {
        var cmd = new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO message_delivery_status (id, organization_id, message_id, status) VALUES ($1, $2, $3, 'pending')
            ON CONFLICT (organization_id, message_id) DO NOTHING
            """);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Guid.CreateVersion7() });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = s.OrganizationId });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = messageId });
        return cmd;
    }

    /// <summary>Sets the status if it is further along; returns the status now recorded.</summary>
    public static async Task<string> AdvanceAsync(TenantSession s, Guid messageId, string? platformMessageId, string status, string? error, CancellationToken ct)
    {
        var newRank = Rank("$4::text");
        var oldRank = Rank("message_delivery_status.status");
        await using var cmd = await s.CommandAsync($"""
            INSERT INTO message_delivery_status (id, organization_id, message_id, platform_message_id, status, error_message)
            VALUES ($1, $2, $3, $5, $4, $6)
            ON CONFLICT (organization_id, message_id) DO UPDATE
              SET status = CASE WHEN {newRank} > {oldRank} THEN EXCLUDED.status ELSE message_delivery_status.status END,
                  error_message = CASE WHEN {newRank} > {oldRank} THEN coalesce(EXCLUDED.error_message, message_delivery_status.error_message) ELSE message_delivery_status.error_message END,
                  platform_message_id = coalesce(message_delivery_status.platform_message_id, EXCLUDED.platform_message_id),
                  updated_at = now()
            RETURNING status
            """, ct);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7());
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(messageId);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)platformMessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
