using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Modules.Sales.Quotes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Sales.Activities;

/// <summary>
/// The job sales.activity_overdue: a sales activity whose scheduled time has passed without being
/// completed notifies its performer (else the owner of its deal or lead) once, through the one
/// notification dispatcher (category sales_activity_overdue). overdue_notified_at marks it, in the
/// same transaction as the notification, so the next run skips it; rescheduling clears the mark
/// (migration 0107), completing it takes it out of the job's reach.
/// </summary>
public sealed class OverdueActivities(TenantSessions sessions, AppDataSource app)
{
    public const string Category = "sales_activity_overdue";
    private const int Batch = 500;

    private sealed record Overdue(Guid Id, string Type, string? Subject, DateTime ScheduledAt, Guid? Recipient, Guid? DealId, string? Deal, Guid? LeadId, string? Lead);

    /// <summary>Notifies every activity overdue at <paramref name="now"/> not notified yet; returns how many were marked.</summary>
    public async Task<int> RunAsync(DateTime now, CancellationToken ct)
    {
        var orgs = new List<Guid>();
        await using (var conn = await app.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("SELECT organization_id FROM sales_orgs_with_overdue_activities($1)", conn))
        {
            cmd.Parameters.AddWithValue(DateTime.SpecifyKind(now, DateTimeKind.Utc));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        }
        var marked = 0;
        foreach (var org in orgs)
        {
            int got;
            do
            {
                await using var s = sessions.Open(AcceptQuote.System(org));
                got = await RunBatchAsync(s, now, ct);
                await s.CommitAsync(ct);
                marked += got;
            } while (got == Batch);
        }
        return marked;
    }

    private static async Task<int> RunBatchAsync(TenantSession s, DateTime now, CancellationToken ct)
    {
        // SKIP LOCKED: a recovered run on another node, or someone completing the activity right now, is not waited for.
        var due = await s.ReadListAsync($"""
            SELECT sa.id, sa.activity_type, sa.subject, sa.scheduled_at, coalesce(sa.performed_by, d.assigned_to, l.assigned_to),
                   sa.deal_id, d.name, sa.lead_id, coalesce(l.name, l.email)
            FROM sales_activities sa
            LEFT JOIN deals d ON d.organization_id = sa.organization_id AND d.id = sa.deal_id
            LEFT JOIN leads l ON l.organization_id = sa.organization_id AND l.id = sa.lead_id
            WHERE sa.organization_id = $1 AND sa.completed_at IS NULL AND sa.overdue_notified_at IS NULL AND sa.deleted_at IS NULL
              AND sa.scheduled_at IS NOT NULL AND sa.scheduled_at < $2
            ORDER BY sa.scheduled_at LIMIT {Batch}
            FOR UPDATE OF sa SKIP LOCKED
            """, [s.OrganizationId, DateTime.SpecifyKind(now, DateTimeKind.Utc)], r => new Overdue(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetDateTime(3), r.IsDBNull(4) ? null : r.GetGuid(4), r.IsDBNull(5) ? null : r.GetGuid(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetString(8)), ct);
        foreach (var a in due)
        {
            // An activity nobody performs or owns is still marked: there is nobody to tell, now or on the next run.
            if (a.Recipient is { } user)
            {
                var what = ActivityLabel.Title(a.Type, a.Subject);
                var on = a.DealId is not null ? $"deal {a.Deal}" : $"lead {a.Lead}";
                var link = a.DealId is { } deal ? $"/app/deals/{deal}" : $"/app/leads/{a.LeadId}";
                await NotificationDispatcher.NotifyAsync(s, [user], [], "warning", Category, $"Overdue: {what}",
                    $"{what} on {on} was due {a.ScheduledAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC and is not completed.",
                    new JsonObject { ["sales_activity_id"] = a.Id.ToString(), ["deal_id"] = a.DealId?.ToString(), ["lead_id"] = a.LeadId?.ToString() }, ct, link);
            }
            await s.ExecuteAsync("UPDATE sales_activities SET overdue_notified_at = $3 WHERE organization_id = $1 AND id = $2",
                [s.OrganizationId, a.Id, DateTime.SpecifyKind(now, DateTimeKind.Utc)], ct);
        }
        return due.Count;
    }
}
