using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using NpgsqlTypes;

namespace Clientele.Modules.Notifications;

/// <summary>
/// The one way the product notifies people (docs/notifications.md). It calls the database's
/// <c>clientele_notify</c> (migration 0090), which the database's own notices (plan limits) call
/// too: per recipient and type (the category) it writes the in-app notification unless the user
/// turned it off, and queues the email — sent at once through the outbox, or gathered into the
/// hourly/daily/weekly digest due at the user's local morning — unless they turned that off.
/// Runs in the caller's transaction: nothing is notified for work that rolls back.
/// </summary>
public static class NotificationDispatcher
{
    /// <summary>Notifies the given users and everyone with one of the roles (active users only). Returns how many were reached in-app or by email.</summary>
    public static async Task<int> NotifyAsync(TenantSession s, IReadOnlyCollection<Guid> users, IReadOnlyCollection<string> roles, string type, string category,
        string title, string message, JsonObject? data, CancellationToken ct, string? link = null, TimeSpan? quietFor = null)
    {
        if (!NotificationTypes.Levels.Contains(type)) throw new ArgumentException($"notification type '{type}' is not one of {string.Join(", ", NotificationTypes.Levels)}", nameof(type));
        await using var cmd = await s.CommandAsync("SELECT clientele_notify($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = users.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = roles.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(category);
        cmd.Parameters.AddWithValue(title);
        cmd.Parameters.AddWithValue(message);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)data?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)link ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)quietFor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Notifies the organization's owners and admins, unless a notification of the same category
    /// went out in the last <paramref name="quietFor"/> (a condition that persists does not flood them).
    /// </summary>
    public static Task<int> NotifyAdminsAsync(TenantSession s, string type, string category, string title, string message, JsonObject? data,
        TimeSpan quietFor, CancellationToken ct, string? link = null) =>
        NotifyAsync(s, [], [Roles.Owner, Roles.Admin], type, category, title, message, data, ct, link, quietFor);
}
