using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Billing.Reporting;

/// <summary>
/// billing.mrr_snapshot: for every organization with subscriptions, writes the current month's
/// mrr_snapshots row from the live subscriptions (the same sums as "MRR now" and customers.mrr) and,
/// the first time, backfills the 11 months before from the subscription rows (billing_mrr_backfill
/// at each month's end). Runs every Billing:MrrSnapshotIntervalSeconds (default 3600), so an ended
/// month keeps the figure of its last hour. Idempotent: a backfilled month is never rewritten.
/// </summary>
public sealed class MrrSnapshots(TenantSessions sessions, AppDataSource app, IConfiguration config) : IScheduledWork
{
    public const int Months = 12;
    public string Name => "billing.mrr_snapshot";
    public TimeSpan Interval => TimeSpan.FromSeconds(config.GetValue("Billing:MrrSnapshotIntervalSeconds", 3600));

    public async Task RunAsync(CancellationToken ct)
    {
        var orgs = new List<Guid>();
        await using (var cmd = app.DataSource.CreateCommand("SELECT organization_id FROM billing_orgs_with_subscriptions()"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        foreach (var org in orgs)
            await TakeAsync(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner }, DateTime.UtcNow, ct);
    }

    /// <summary>Backfills the missing earlier months (once) and writes this month's snapshot.</summary>
    public async Task TakeAsync(TenantContext tenant, DateTime now, CancellationToken ct)
    {
        await using var s = sessions.Open(tenant);
        await WriteAsync(s, now, ct);
        await s.CommitAsync(ct);
    }

    /// <summary>The same in the caller's transaction (the demo filler runs it in its own).</summary>
    public static async Task WriteAsync(TenantSession s, DateTime now, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            INSERT INTO mrr_snapshots (id, organization_id, month, mrr, arr, subscriptions, source, as_of)
            SELECT gen_random_uuid(), $1, m::date, b.mrr, b.arr, b.subscriptions, 'backfill', m + interval '1 month'
            FROM generate_series(date_trunc('month', $2::timestamptz) - make_interval(months => $3 - 1), date_trunc('month', $2::timestamptz) - interval '1 month', interval '1 month') AS m
            CROSS JOIN LATERAL billing_mrr_backfill($1, m + interval '1 month') b
            WHERE NOT EXISTS (SELECT 1 FROM mrr_snapshots x WHERE x.organization_id = $1 AND x.month <= m::date)
            ON CONFLICT (organization_id, month) DO NOTHING
            """, [s.OrganizationId, now, Months], ct);
        await s.ExecuteAsync("""
            INSERT INTO mrr_snapshots (id, organization_id, month, mrr, arr, subscriptions, source, as_of)
            SELECT $2, $1, date_trunc('month', $3::timestamptz)::date, coalesce(sum(mrr), 0), coalesce(sum(arr), 0), count(*), 'snapshot', $3
            FROM subscriptions WHERE organization_id = $1 AND status IN ('active', 'past_due') AND deleted_at IS NULL
            ON CONFLICT (organization_id, month) DO UPDATE SET mrr = excluded.mrr, arr = excluded.arr, subscriptions = excluded.subscriptions,
              source = 'snapshot', as_of = excluded.as_of
            """, [s.OrganizationId, Guid.CreateVersion7(), now], ct);
    }
}
