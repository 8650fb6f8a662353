using System.Text.Json;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Outbox topic notifications.slack (queued by clientele_notify for each recipient who chose Slack
/// for the type and has a connection): chat.postMessage to the connection's channel, or to the
/// installing Slack user (a DM from the app). Rate limits and Slack outages retry with the outbox's
/// backoff; errors a retry cannot fix (token revoked, channel not found, bot not in the channel)
/// are recorded on the connection's last_error, shown on /app/settings/slack, and not retried.
/// </summary>
public sealed class SlackNotificationJob(SlackWebApi slack, SlackOptions options, BodyBinder secrets, ILogger<SlackNotificationJob> logger) : IJobHandler
{
    public const string TopicName = "notifications.slack";
    public string Topic => TopicName;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var p = job.Payload;
        var s = job.Session;
        var connectionId = p.GetProperty("connection_id").GetGuid();
        var link = await SlackConnections.ByIdAsync(s, connectionId, ct);
        if (link?.BotCipher is null) return; // disconnected since: nothing is owed
        var channel = link.ChannelId ?? link.SlackUserId;
        if (channel is null)
        {
            await SlackConnections.RecordDeliveryAsync(s, link.Id, "no_channel", ct);
            return;
        }
        var category = Str(p, "category");
        Guid? approval = category == "approval_requested" && p.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                         && data.TryGetProperty("approval_id", out var a) && a.TryGetGuid(out var id) ? id : null;
        if (approval is { } pending && await ApprovalStatusAsync(job, pending, ct) != "pending") approval = null; // decided before we got here: no buttons
        var message = SlackMessages.Notification(channel, Str(p, "title") ?? "", Str(p, "message") ?? "", options.Absolute(Str(p, "link")), s.OrganizationId, approval);
        try
        {
            await slack.JsonAsync("chat.postMessage", secrets.Unprotect(link.BotCipher), message, ct);
            await SlackConnections.RecordDeliveryAsync(s, link.Id, null, ct);
        }
        catch (SlackApiException e) when (e.Transient)
        {
            throw new RetryLaterException(e.Message, e.RetryAfter, e);
        }
        catch (SlackApiException e)
        {
            logger.LogWarning("Slack delivery to connection {ConnectionId} failed: {Error}", link.Id, e.Error);
            await SlackConnections.RecordDeliveryAsync(s, link.Id, e.Error, ct);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            await SlackConnections.RecordDeliveryAsync(s, link.Id, "token_unreadable", ct);
        }
    }

    public async Task OnDeadAsync(JobContext job, string error, CancellationToken ct) =>
        await SlackConnections.RecordDeliveryAsync(job.Session, job.Payload.GetProperty("connection_id").GetGuid(), error.Length > 200 ? error[..200] : error, ct);

    private static async Task<string?> ApprovalStatusAsync(JobContext job, Guid id, CancellationToken ct) =>
        await Clientele.Platform.Database.TenantSql.QueryFirstAsync(job.Session, "SELECT status FROM approvals WHERE organization_id = $1 AND id = $2",
            [job.Session.OrganizationId, id], r => r.GetString(0), ct);

    private static string? Str(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
