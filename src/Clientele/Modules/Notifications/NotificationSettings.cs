using Clientele.Platform.Database;

namespace Clientele.Modules.Notifications;

/// <summary>One type's effective preference for a user (the defaults when no row: in-app on, email immediate).</summary>
public sealed record NotificationSetting(NotificationTypes.Kind Kind, bool InApp, bool Email, string Frequency)
{
    /// <summary>What the form's single email choice shows: the frequency, or never when email is off.</summary>
    public string EmailChoice => Email ? Frequency : "never";
}

/// <summary>Reads and saves a user's notification_preferences (one row per type, upserted).</summary>
public static class NotificationSettings
{
    public static async Task<List<NotificationSetting>> ReadAsync(TenantSession s, Guid user, CancellationToken ct)
    {
        var rows = await s.QueryAsync("""
            SELECT notification_type, in_app_enabled, email_enabled, email_frequency FROM notification_preferences
            WHERE organization_id = $1 AND user_id = $2
            """, [s.OrganizationId, user], r => (Type: r.GetString(0), InApp: r.GetBoolean(1), Email: r.GetBoolean(2), Frequency: r.GetString(3)), ct);
        return NotificationTypes.All.Select(k => rows.FirstOrDefault(r => r.Type == k.Key) is { Type: not null } r
            ? new NotificationSetting(k, r.InApp, r.Email && r.Frequency != "never", r.Frequency == "never" ? "immediate" : r.Frequency)
            : new NotificationSetting(k, true, true, "immediate")).ToList();
    }

    /// <summary>Field errors for one type's values (empty when valid).</summary>
    public static Dictionary<string, string[]> Check(string type, string? frequency)
    {
        var errors = new Dictionary<string, string[]>();
        if (!NotificationTypes.IsKnown(type)) errors["notification_type"] = [$"must be one of {string.Join(", ", NotificationTypes.All.Select(k => k.Key))}"];
        if (frequency is not null && !NotificationTypes.Frequencies.Contains(frequency)) errors["email_frequency"] = [$"must be one of {string.Join(", ", NotificationTypes.Frequencies)}"];
        return errors;
    }

    /// <summary>Saves one type (validated by the caller); frequency "never" means email off.</summary>
    public static Task SaveAsync(TenantSession s, Guid user, string type, bool inApp, bool email, string frequency, CancellationToken ct) =>
        s.ExecuteAsync("""
            INSERT INTO notification_preferences (id, organization_id, user_id, notification_type, in_app_enabled, email_enabled, email_frequency)
            VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
            ON CONFLICT (organization_id, user_id, notification_type)
            DO UPDATE SET in_app_enabled = EXCLUDED.in_app_enabled, email_enabled = EXCLUDED.email_enabled, email_frequency = EXCLUDED.email_frequency
            """, [s.OrganizationId, user, type, inApp, email && frequency != "never", frequency == "never" ? "immediate" : frequency], ct);
}
