using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Webhooks;

/// <summary>
/// Sends one delivery: POST of the stored body, signed with the endpoint's secret (encrypted at
/// rest like every secret column), 10 s timeout. 2xx succeeds (and clears
/// the endpoint's failing_since). Anything else is retried with exponential backoff
/// (Webhooks:BackoffBaseSeconds × 2^attempt, at most 6 h) until 3 days after the delivery was
/// created (Webhooks:RetryForHours), then it fails for good; an endpoint whose deliveries have
/// all failed for Webhooks:DisableAfterHours (72) is disabled and its organization's admins notified.
/// </summary>
public sealed class WebhookDeliveryJob(IHttpClientFactory http, Outbox outbox, BodyBinder secrets, IConfiguration config) : IJobHandler
{
    public const string TopicName = "webhooks.deliver";
    public const string ClientName = "clientele-webhooks";
    private readonly double _base = config.GetValue("Webhooks:BackoffBaseSeconds", 10.0);
    private readonly double _retryForHours = config.GetValue("Webhooks:RetryForHours", 72.0);
    private readonly double _disableAfterHours = config.GetValue("Webhooks:DisableAfterHours", 72.0);
    private readonly bool _allowPrivate = config.GetValue("Webhooks:AllowPrivateNetworks", false);

    public string Topic => TopicName;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var deliveryId = job.Payload.GetProperty("delivery_id").GetGuid();
        string url, secret, payload, eventType;
        Guid endpointId;
        bool enabled;
        DateTime createdAt;
        int attempts;
        await using (var cmd = await s.CommandAsync("""
            SELECT e.url, e.secret, e.enabled, d.payload, d.event_type, d.created_at, d.attempts, e.id
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.organization_id = d.organization_id AND e.id = d.endpoint_id
            WHERE d.organization_id = $1 AND d.id = $2 AND d.status = 'pending' FOR UPDATE OF d
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(deliveryId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return; // delivered, failed or removed meanwhile
            (url, secret, enabled, payload, eventType, createdAt, attempts, endpointId) =
                (r.GetString(0), secrets.Unprotect(r.GetString(1)), r.GetBoolean(2), r.GetString(3), r.GetString(4), r.GetDateTime(5), r.GetInt32(6), r.GetGuid(7));
        }
        if (!enabled) { await FinishAsync(s, deliveryId, "failed", null, "endpoint disabled", null, 0, ct); return; }

        int? status = null;
        string? error = null, body = null;
        var sw = Stopwatch.StartNew();
        var problem = SsrfGuard.Problem(url, _allowPrivate);
        if (problem is not null) error = "url " + problem;
        else
        {
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                req.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), payload));
                req.Headers.TryAddWithoutValidation("Clientele-Event", eventType);
                req.Headers.TryAddWithoutValidation("Clientele-Delivery", deliveryId.ToString());
                req.Headers.UserAgent.ParseAdd("Clientele-Webhooks/1.0");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var res = await http.CreateClient(ClientName).SendAsync(req, timeout.Token);
                status = (int)res.StatusCode;
                body = await res.Content.ReadAsStringAsync(timeout.Token);
                if (body.Length > 2000) body = body[..2000];
                if (!res.IsSuccessStatusCode) error = $"HTTP {status}";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                error = e is OperationCanceledException ? "timed out after 10 s" : e.Message;
            }
        }
        var ms = (int)sw.ElapsedMilliseconds;
        if (error is null)
        {
            await FinishAsync(s, deliveryId, "succeeded", status, null, body, ms, ct);
            await ExecAsync(s, "UPDATE webhook_endpoints SET failing_since = NULL WHERE organization_id = $1 AND id = $2 AND failing_since IS NOT NULL", endpointId, ct);
            return;
        }
        await ExecAsync(s, "UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) WHERE organization_id = $1 AND id = $2", endpointId, ct);
        var giveUp = DateTime.UtcNow >= createdAt.ToUniversalTime().AddHours(_retryForHours) || problem is not null;
        var next = giveUp ? (DateTime?)null : DateTime.UtcNow.Add(Backoff(attempts + 1));
        await FinishAsync(s, deliveryId, giveUp ? "failed" : "pending", status, error, body, ms, ct, next);
        if (next is { } at) await outbox.EnqueueAsync(s, TopicName, new { delivery_id = deliveryId }, ct, at, maxAttempts: 1000);
        await DisableIfFailingTooLongAsync(s, endpointId, ct);
    }

    public TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(6 * 3600, _base * Math.Pow(2, Math.Min(30, attempt - 1))));

    private async Task DisableIfFailingTooLongAsync(Platform.Database.TenantSession s, Guid endpointId, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync($"""
            UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'every delivery failed for {_disableAfterHours} hours'
            WHERE organization_id = $1 AND id = $2 AND enabled AND failing_since <= now() - make_interval(secs => $3)
            RETURNING url
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(endpointId);
        cmd.Parameters.AddWithValue(_disableAfterHours * 3600);
        if (await cmd.ExecuteScalarAsync(ct) is not string url) return;
        await NotificationDispatcher.NotifyAdminsAsync(s, "error", "webhook_disabled", "Webhook endpoint disabled",
            $"{url} failed every delivery for {_disableAfterHours} hours and was disabled. Fix it, then enable it again (PATCH enabled=true) and replay what it missed.",
            new JsonObject { ["endpoint_id"] = endpointId }, TimeSpan.Zero, ct, link: "/app/automation");
        await using var fail = await s.CommandAsync(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = coalesce(last_error, 'endpoint disabled') WHERE organization_id = $1 AND endpoint_id = $2 AND status = 'pending'", ct);
        fail.Parameters.AddWithValue(s.OrganizationId);
        fail.Parameters.AddWithValue(endpointId);
        await fail.ExecuteNonQueryAsync(ct);
    }

    private static async Task FinishAsync(Platform.Database.TenantSession s, Guid id, string status, int? code, string? error, string? body, int ms, CancellationToken ct, DateTime? next = null)
    {
        await using var cmd = await s.CommandAsync("""
            UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, last_status_code = $4, last_error = $5, last_response_body = $6,
              last_duration_ms = $7, next_attempt_at = $8, delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END
            WHERE organization_id = $1 AND id = $2
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)code ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)body ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(ms);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)next ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecAsync(Platform.Database.TenantSession s, string sql, Guid id, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(id);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
