using Clientele.Platform.Database;

namespace Clientele.Modules.Notifications;

/// <summary>
/// A person's time zone (users.preferences.timezone), used for the 08:00 of their daily and weekly
/// digests; empty means the organization's (organizations.settings.timezone), else UTC. Only IANA
/// ids (Europe/Berlin, America/New_York, UTC) are accepted: the database computes the local morning
/// with the same names.
/// </summary>
public static class UserTimeZone
{
    public const string Field = "timezone";

    /// <summary>Every IANA zone this machine knows, sorted: the console's choices.</summary>
    public static readonly Lazy<IReadOnlyList<string>> Choices = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id).Append("UTC").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    /// <summary>The error for a bad id, null when it is an IANA id or empty (= the organization's zone).</summary>
    public static string? Check(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        if (id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId && zone.Id == id) return null;
        return $"'{(id.Length > 64 ? id[..64] + "…" : id)}' is not an IANA time zone (such as Europe/Berlin or America/New_York).";
    }

    public static Task<string?> ReadAsync(TenantSession s, Guid user, CancellationToken ct) =>
        s.ScalarAsync<string>("SELECT nullif(preferences->>'timezone', '') FROM users WHERE organization_id = $1 AND id = $2", [s.OrganizationId, user], ct);

    /// <summary>The organization's zone, which applies when the person has none.</summary>
    public static Task<string?> OrganizationZoneAsync(TenantSession s, CancellationToken ct) =>
        s.ScalarAsync<string>("SELECT nullif(settings->>'timezone', '') FROM organizations WHERE id = $1", [s.OrganizationId], ct);

    /// <summary>Saves a checked id (empty removes it). Only the timezone key of preferences changes.</summary>
    public static Task SaveAsync(TenantSession s, Guid user, string? id, CancellationToken ct) =>
        s.ExecuteAsync("""
            UPDATE users SET preferences = CASE WHEN $3::text IS NULL THEN coalesce(preferences, '{}'::jsonb) - 'timezone'
                                                ELSE jsonb_set(coalesce(preferences, '{}'::jsonb), '{timezone}', to_jsonb($3::text)) END
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, user, SqlArg.Text(string.IsNullOrWhiteSpace(id) ? null : id.Trim())], ct);
}
