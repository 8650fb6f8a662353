using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>A slack_connections row as the product uses it; the bot token is still Data Protection ciphertext.</summary>
public sealed record SlackLink(Guid Id, Guid UserId, string TeamId, string? TeamName, string? BotCipher, string? SlackUserId, string? ChannelId,
    string[] Scopes, DateTime CreatedAt, DateTime? LastDeliveredAt, string? LastError)
{
    public JsonObject Describe(IEnumerable<string> types) => new()
    {
        ["connected"] = true, ["team_id"] = TeamId, ["team_name"] = TeamName, ["slack_user_id"] = SlackUserId,
        ["channel_id"] = ChannelId, ["delivers_to"] = ChannelId ?? (SlackUserId is null ? null : "dm"),
        ["scopes"] = new JsonArray(Scopes.Select(s => (JsonNode?)s).ToArray()),
        ["notification_types"] = new JsonArray(types.Select(s => (JsonNode?)s).ToArray()),
        ["connected_at"] = CreatedAt, ["last_delivered_at"] = LastDeliveredAt, ["last_error"] = LastError,
    };
}

/// <summary>SQL on slack_connections (one per user) and the Slack flag of notification_preferences.</summary>
public static partial class SlackConnections
{
    private const string Columns = "id, user_id, team_id, metadata->>'team_name', bot_token, slack_user_id, channel_id, scopes, created_at, last_delivered_at, last_error";

    public static Task<SlackLink?> OfUserAsync(TenantSession s, Guid user, CancellationToken ct) =>
        s.ReadFirstAsync($"SELECT {Columns} FROM slack_connections WHERE organization_id = $1 AND user_id = $2", [s.OrganizationId, user], Map, ct);

    public static Task<SlackLink?> ByIdAsync(TenantSession s, Guid id, CancellationToken ct) =>
        s.QueryFirstAsync($"SELECT {Columns} FROM slack_connections WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id], Map, ct);

    /// <summary>The organization's connections to a workspace (any of them can call users.info there).</summary>
    public static Task<List<SlackLink>> OfTeamAsync(TenantSession s, string teamId, CancellationToken ct) =>
        s.QueryAsync($"SELECT {Columns} FROM slack_connections WHERE organization_id = $1 AND team_id = $2 AND bot_token IS NOT NULL ORDER BY created_at",
            [s.OrganizationId, teamId], Map, ct);

    /// <summary>Connects (or reconnects) the user's workspace; a reconnect keeps the chosen channel unless the workspace changed.</summary>
    public static Task<SlackLink?> UpsertAsync(TenantSession s, Guid user, string teamId, string botCipher, string? userCipher, string[] scopes,
        string? slackUserId, JsonObject metadata, CancellationToken ct) =>
        s.QueryFirstAsync($"""
            INSERT INTO slack_connections AS c (id, organization_id, user_id, team_id, bot_token, user_token, scopes, slack_user_id, metadata)
            VALUES ($3, $1, $2, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (organization_id, user_id) DO UPDATE SET
              team_id = EXCLUDED.team_id, bot_token = EXCLUDED.bot_token, user_token = EXCLUDED.user_token, scopes = EXCLUDED.scopes,
              slack_user_id = EXCLUDED.slack_user_id, metadata = EXCLUDED.metadata, last_error = NULL, updated_at = now(),
              channel_id = CASE WHEN c.team_id = EXCLUDED.team_id THEN c.channel_id END
            RETURNING {Columns}
            """, [s.OrganizationId, user, Guid.CreateVersion7(), teamId, botCipher, SqlArg.Text(userCipher), scopes, SqlArg.Text(slackUserId), metadata], Map, ct);

    public static Task<SlackLink?> DeleteAsync(TenantSession s, Guid user, CancellationToken ct) =>
        s.QueryFirstAsync($"DELETE FROM slack_connections WHERE organization_id = $1 AND user_id = $2 RETURNING {Columns}", [s.OrganizationId, user], Map, ct);

    public static Task SetChannelAsync(TenantSession s, Guid user, string? channel, CancellationToken ct) =>
        s.ExecuteAsync("UPDATE slack_connections SET channel_id = $3, last_error = NULL, updated_at = now() WHERE organization_id = $1 AND user_id = $2",
            [s.OrganizationId, user, SqlArg.Text(channel)], ct);

    public static Task RecordDeliveryAsync(TenantSession s, Guid id, string? error, CancellationToken ct) =>
        s.ExecuteAsync(error is null
                ? "UPDATE slack_connections SET last_delivered_at = now(), last_error = NULL WHERE organization_id = $1 AND id = $2"
                : "UPDATE slack_connections SET last_error = $3 WHERE organization_id = $1 AND id = $2",
            error is null ? [s.OrganizationId, id] : [s.OrganizationId, id, error], ct);

    /// <summary>The notification types the user sends to Slack (notification_preferences.slack_enabled).</summary>
    public static Task<List<string>> TypesAsync(TenantSession s, Guid user, CancellationToken ct) =>
        s.ReadListAsync("SELECT notification_type FROM notification_preferences WHERE organization_id = $1 AND user_id = $2 AND slack_enabled ORDER BY notification_type",
            [s.OrganizationId, user], r => r.GetString(0), ct);

    /// <summary>Slack on for exactly these types, off for the rest; the in-app and email choices of each row stay as they were.</summary>
    public static async Task SetTypesAsync(TenantSession s, Guid user, IReadOnlyCollection<string> types, CancellationToken ct)
    {
        await s.ExecuteAsync("UPDATE notification_preferences SET slack_enabled = (notification_type = ANY($3)), updated_at = now() WHERE organization_id = $1 AND user_id = $2",
            [s.OrganizationId, user, types.ToArray()], ct);
        await s.ExecuteAsync("""
            INSERT INTO notification_preferences (id, organization_id, user_id, notification_type, slack_enabled)
            SELECT gen_random_uuid(), $1, $2, t, true FROM unnest($3::text[]) t
            ON CONFLICT (organization_id, user_id, notification_type) DO UPDATE SET slack_enabled = true
            """, [s.OrganizationId, user, types.ToArray()], ct);
    }

    /// <summary>Field errors for a settings change: known notification types, and a channel id (C…, G…) or #name, or empty for a DM.</summary>
    public static Dictionary<string, string[]> Check(string? channel, IEnumerable<string> types)
    {
        var errors = new Dictionary<string, string[]>();
        if (!string.IsNullOrWhiteSpace(channel) && !ChannelShape().IsMatch(channel.Trim()))
            errors["channel_id"] = ["must be a Slack channel id (like C0123ABCD) or #channel-name, or empty for a direct message"];
        if (types.Where(t => !NotificationTypes.IsKnown(t)).ToList() is { Count: > 0 } unknown)
            errors["notification_types"] = [$"unknown: {string.Join(", ", unknown)}; use {string.Join(", ", NotificationTypes.All.Select(k => k.Key))}"];
        return errors;
    }

    public static string? NormalizeChannel(string? channel) => string.IsNullOrWhiteSpace(channel) ? null : channel.Trim();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[CGD][A-Z0-9]{6,20}|#[a-z0-9][a-z0-9_\-]{0,79})$")]
    private static partial System.Text.RegularExpressions.Regex ChannelShape();

    private static SlackLink Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.GetFieldValue<string[]>(7), r.GetDateTime(8), r.IsDBNull(9) ? null : r.GetDateTime(9), r.IsDBNull(10) ? null : r.GetString(10));
}
