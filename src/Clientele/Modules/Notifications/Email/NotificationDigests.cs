using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Notifications.Email;

/// <summary>
/// The system job notifications.digest (every 15 minutes by default, Notifications:DigestCron):
/// every user's hourly, daily and weekly emails that are due (due_at: the next top of the hour, or
/// 08:00 in the user's time zone, Mondays for weekly) go out as ONE email per user, each user in
/// its own transaction. A relay that is down leaves them pending for the next run.
/// </summary>
public sealed class NotificationDigests(TenantSessions sessions, AppDataSource app, NotificationMail mail, ILogger<NotificationDigests> logger)
{
    /// <summary>Sends what is due at <paramref name="now"/>; returns how many digest emails went out.</summary>
    public async Task<int> RunAsync(DateTime now, CancellationToken ct)
    {
        var orgs = new List<Guid>();
        await using (var cmd = app.DataSource.CreateCommand("SELECT organization_id FROM clientele_notification_digest_orgs($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        }
        var sent = 0;
        foreach (var org in orgs)
        {
            var tenant = new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner };
            List<Guid> users;
            await using (var s = sessions.Open(tenant))
                users = await s.QueryAsync("""
                    SELECT DISTINCT user_id FROM notification_emails
                    WHERE organization_id = $1 AND status = 'pending' AND frequency <> 'immediate' AND due_at <= $2
                    """, [org, now], r => r.GetGuid(0), ct);
            foreach (var user in users)
            {
                await using var s = sessions.Open(tenant);
                var due = await PendingEmails.ReadAsync(s, "e.user_id = $2 AND e.frequency <> 'immediate' AND e.due_at <= $3", [org, user, now], ct);
                if (due.Count == 0) continue;
                try
                {
                    if (await mail.DeliverAsync(s, due[0].To, due[0].Items, ct)) sent++;
                    await s.CommitAsync(ct);
                }
                catch (RetryLaterException e)
                {
                    logger.LogWarning("Notification digest for user {User} waits for the next run: {Reason}", user, e.Message);
                }
            }
        }
        return sent;
    }
}
