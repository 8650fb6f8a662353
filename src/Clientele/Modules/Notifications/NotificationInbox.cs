using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Notifications;

public sealed record NotificationRow(Guid Id, string Type, string Category, string Title, string Message, string? Link, bool IsRead, DateTime? ReadAt, bool IsArchived, DateTime CreatedAt);

/// <summary>
/// One user's notifications: the list, the unread count (unread and not archived) and the state
/// changes, for the API and /app/notifications alike. read_at follows is_read (migration 0090's
/// trigger and check); archiving also marks read, so an archived row never counts as unread.
/// </summary>
public static class NotificationInbox
{
    public const int PageSize = 50;
    public static readonly string[] Views = ["unread", "all", "archived"];

    public static Guid UserOf(TenantContext tenant) =>
        tenant.UserId ?? throw ProblemException.Forbidden("Notifications belong to a person: use a session or an API key of a user.");

    public static async Task<long> UnreadCountAsync(TenantSession s, Guid user, CancellationToken ct) =>
        await s.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE organization_id = $1 AND user_id = $2 AND NOT is_read AND NOT is_archived",
            [s.OrganizationId, user], ct);

    /// <summary>Newest first, keyset on (created_at, id); <paramref name="before"/> is the last row of the previous page.</summary>
    public static Task<List<NotificationRow>> ListAsync(TenantSession s, Guid user, string view, (DateTime At, Guid Id)? before, CancellationToken ct)
    {
        var filter = view switch { "unread" => "AND NOT is_read AND NOT is_archived", "archived" => "AND is_archived", _ => "AND NOT is_archived" };
        return s.QueryAsync($"""
            SELECT id, type, category, title, message, link, is_read, read_at, is_archived, created_at FROM notifications
            WHERE organization_id = $1 AND user_id = $2 {filter} AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
            ORDER BY created_at DESC, id DESC LIMIT {PageSize}
            """, [s.OrganizationId, user, SqlArg.Typed(before?.At, NpgsqlTypes.NpgsqlDbType.TimestampTz), SqlArg.Uuid(before?.Id)],
            r => new NotificationRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetDateTime(7), r.GetBoolean(8), r.GetDateTime(9)), ct);
    }

    /// <summary>read, unread or archive one of the user's notifications; false when it is not theirs (or does not exist).</summary>
    public static async Task<bool> ChangeAsync(TenantSession s, Guid user, Guid id, string change, CancellationToken ct)
    {
        var set = change switch
        {
            "read" => "is_read = true",
            "unread" => "is_read = false",
            "archive" => "is_archived = true, is_read = true",
            "unarchive" => "is_archived = false",
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "read, unread, archive or unarchive"),
        };
        // read_at keeps the first time it was read: only a row whose state changes is touched.
        var guard = change switch { "read" => "AND NOT is_read", "unread" => "AND is_read", "archive" => "AND NOT is_archived", _ => "AND is_archived" };
        await s.ExecuteAsync($"UPDATE notifications SET {set} WHERE organization_id = $1 AND user_id = $2 AND id = $3 {guard}", [s.OrganizationId, user, id], ct);
        return await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM notifications WHERE organization_id = $1 AND user_id = $2 AND id = $3)", [s.OrganizationId, user, id], ct);
    }

    /// <summary>Marks every unread notification of the user read (one statement, one read_at); returns how many.</summary>
    public static Task<int> MarkAllReadAsync(TenantSession s, Guid user, CancellationToken ct) =>
        s.ExecuteAsync("UPDATE notifications SET is_read = true WHERE organization_id = $1 AND user_id = $2 AND NOT is_read", [s.OrganizationId, user], ct);
}
