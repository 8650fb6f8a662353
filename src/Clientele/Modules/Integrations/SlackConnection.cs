using Clientele.Platform.Database;

namespace Clientele.Modules.Integrations;

/// <summary>A user's Slack workspace connection (seed 003).</summary>
[Table("slack_connections")]
public sealed class SlackConnection : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public string TeamId { get; set; } = "";
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string? BotToken { get; set; }
    /// <summary>Data Protection ciphertext; never returned by the API.</summary>
    public string? UserToken { get; set; }
    public string[] Scopes { get; set; } = [];
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    /// <summary>The Slack user who installed the app: notifications go to them by DM when no channel is chosen.</summary>
    public string? SlackUserId { get; set; }
    /// <summary>Where notifications are posted (a channel id or #name); null = DM to SlackUserId.</summary>
    public string? ChannelId { get; set; }
    public DateTime? LastDeliveredAt { get; set; }
    /// <summary>Slack's error code of the last failed delivery (channel_not_found, token_revoked, …); null after a success.</summary>
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
