using Clientele.Platform.Database;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Notifications.Email;

/// <summary>
/// Outbox topic notifications.email (queued by clientele_notify for immediate emails): sends one
/// notification's email. Idempotent: a row no longer pending is left alone, and the row's lock
/// keeps a second worker from sending it twice.
/// </summary>
public sealed class NotificationEmailJob(NotificationMail mail) : IJobHandler
{
    public const string TopicName = "notifications.email";
    public string Topic => TopicName;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var id = job.Payload.GetProperty("email_id").GetGuid();
        var s = job.Session;
        var found = await PendingEmails.ReadAsync(s, "e.id = $2", [s.OrganizationId, id], ct);
        if (found.Count == 0) return;
        var (to, items) = found[0];
        await mail.DeliverAsync(s, to, items, ct);
    }

    public async Task OnDeadAsync(JobContext job, string error, CancellationToken ct)
    {
        var id = job.Payload.GetProperty("email_id").GetGuid();
        await job.Session.ExecuteAsync("UPDATE notification_emails SET status = 'failed', error = $3 WHERE organization_id = $1 AND id = $2 AND status = 'pending'",
            [job.Session.OrganizationId, id, error], ct);
    }
}

/// <summary>Pending email rows (locked, skipping rows another worker holds) grouped by recipient.</summary>
public static class PendingEmails
{
    public static async Task<List<(EmailRecipient To, List<PendingEmail> Items)>> ReadAsync(TenantSession s, string where, object?[] args, CancellationToken ct)
    {
        var rows = await s.QueryAsync($"""
            SELECT e.id, e.type, e.category, e.title, e.message, e.link, e.frequency, e.created_at,
                   u.id, u.email, u.name, (u.is_active AND u.deleted_at IS NULL)
            FROM notification_emails e JOIN users u ON u.organization_id = e.organization_id AND u.id = e.user_id
            WHERE e.organization_id = $1 AND e.status = 'pending' AND {where}
            ORDER BY u.id, e.created_at, e.id
            FOR UPDATE OF e SKIP LOCKED
            """, args, r => (new EmailRecipient(r.GetGuid(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetBoolean(11)),
                new PendingEmail(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetDateTime(7))), ct);
        return rows.GroupBy(r => r.Item1.UserId).Select(g => (g.First().Item1, g.Select(x => x.Item2).ToList())).ToList();
    }
}
