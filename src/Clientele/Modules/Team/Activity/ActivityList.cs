using Clientele.Platform.Database;

namespace Clientele.Modules.Team.Activity;

/// <summary>One line of the feed as /app/activity shows it.</summary>
public sealed record ActivityRow(Guid Id, DateTime At, Guid? UserId, string Actor, string Action, string? ResourceType, Guid? ResourceId, string? ResourceName);

/// <summary>
/// The organization's feed, newest first, 50 a page, keyset-paged on (created_at, id) with the index
/// idx_activity_logs_organization_id; optionally one person's (user_id) or one kind (action_type prefix).
/// </summary>
public static class ActivityList
{
    public const int PageSize = 50;

    public static async Task<(List<ActivityRow> Rows, string? Next)> ReadAsync(TenantSession s, Guid? userId, string? action, string? after, CancellationToken ct)
    {
        DateTime? atBound = null;
        Guid? idBound = null;
        if (after?.Split('_') is [var ticks, var id] && long.TryParse(ticks, out var t) && Guid.TryParse(id, out var g))
            (atBound, idBound) = (new DateTime(t, DateTimeKind.Utc), g);
        var rows = await s.QueryAsync("""
            SELECT id, created_at, user_id, actor_name, action_type, resource_type, resource_id, resource_name
            FROM activity_logs
            WHERE organization_id = $1 AND ($2::uuid IS NULL OR user_id = $2) AND ($3::text IS NULL OR action_type LIKE $3 || '%')
              AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))
            ORDER BY created_at DESC, id DESC
            LIMIT $6
            """, [s.OrganizationId, SqlArg.Uuid(userId), SqlArg.Text(action), SqlArg.Typed(atBound, NpgsqlTypes.NpgsqlDbType.TimestampTz), SqlArg.Uuid(idBound), PageSize + 1],
            r => new ActivityRow(r.GetGuid(0), DateTime.SpecifyKind(r.GetDateTime(1), DateTimeKind.Utc), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
        string? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            next = $"{rows[^1].At.Ticks}_{rows[^1].Id}";
        }
        return (rows, next);
    }
}
