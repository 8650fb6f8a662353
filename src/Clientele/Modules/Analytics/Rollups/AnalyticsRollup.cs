using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics.Rollups;

/// <summary>What one scheduled pass did.</summary>
public sealed record RollupPass(int Organizations, int Days);

/// <summary>
/// Computes daily_metrics, conversation_analytics, agent_performance and feature_usage of an
/// organization's days from its rows (<see cref="RollupSql"/>), in the organization's time zone
/// (settings.timezone, else UTC). A range is rolled up by one statement per table (at most
/// <see cref="MaxDaysPerTransaction"/> days per transaction) under a per-organization advisory lock,
/// so the scheduled pass and a re-run asked through the API never interleave; re-running any day
/// over the same rows changes nothing.
/// </summary>
public sealed class AnalyticsRollup(TenantSessions sessions, AppDataSource app)
{
    /// <summary>A month per transaction: long re-runs do not hold one transaction for a year.</summary>
    public const int MaxDaysPerTransaction = 31;

    /// <summary>Rolls up every day from..to (inclusive) of the session's organization; answers the number of days.</summary>
    public async Task<int> RunAsync(TenantContext tenant, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = 0;
        for (var first = from; first <= to; first = first.AddDays(MaxDaysPerTransaction))
        {
            var last = first.AddDays(MaxDaysPerTransaction - 1) < to ? first.AddDays(MaxDaysPerTransaction - 1) : to;
            await using var s = sessions.Open(tenant);
            var zone = await ZoneAsync(s, ct);
            await RunRangeAsync(s, first, last, zone, ct);
            await s.CommitAsync(ct);
            days += last.DayNumber - first.DayNumber + 1;
        }
        return days;
    }

    /// <summary>The four rollups of the days first..last inside the caller's transaction: one statement per table.</summary>
    public static async Task RunRangeAsync(TenantSession s, DateOnly first, DateOnly last, string zone, CancellationToken ct)
    {
        await s.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('analytics.rollup:' || $1::text, 0))", [s.OrganizationId], ct);
        foreach (var sql in new[] { RollupSql.DailyMetrics, RollupSql.ConversationAnalytics, RollupSql.AgentPerformance })
        {
            await using var cmd = await Command(s, sql, first, last, zone, ct);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // Feature usage: the events grouped by a read-only statement (parallel workers may share it),
        // then the groups (a few per customer and day, not per event) upserted.
        var (days, customers, features, counts, lastUses) = (new List<DateOnly>(), new List<string?>(), new List<string>(), new List<long>(), new List<DateTime>());
        await using (var cmd = await Command(s, RollupSql.FeatureUsageGroups, first, last, zone, ct))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                days.Add(r.GetFieldValue<DateOnly>(0));
                customers.Add(r.IsDBNull(1) ? null : r.GetString(1));
                features.Add(r.GetString(2));
                counts.Add(r.GetInt64(3));
                lastUses.Add(r.GetDateTime(4));
            }
        await using (var cmd = await Command(s, RollupSql.FeatureUsage, first, last, zone, ct))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = days.ToArray() });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = customers.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = features.ToArray() });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = counts.ToArray() });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = lastUses.ToArray() });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    // ($1 organization, $2 first day, $3 last day, $4 zone). One statement covers up to a month of a large
    // organization's events: the request paths' 30 s command timeout would cancel it (10M events did), so
    // the job allows ten minutes.
    private static async Task<Npgsql.NpgsqlCommand> Command(TenantSession s, string sql, DateOnly first, DateOnly last, string zone, CancellationToken ct)
    {
        var cmd = await s.CommandAsync(sql, ct);
        cmd.CommandTimeout = 600;
        foreach (var v in new object[] { s.OrganizationId, first, last, zone }) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = v });
        return cmd;
    }

    /// <summary>
    /// The scheduled pass (hourly): for every organization, yesterday and today so far on its own clock.
    /// Yesterday is re-run every hour, so the first pass after local midnight writes its final numbers
    /// and late rows (events sent with a past created_at) are still counted.
    /// </summary>
    public async Task<RollupPass> RunScheduledAsync(DateTime utcNow, CancellationToken ct)
    {
        var orgs = new List<(Guid Id, string? Zone)>();
        await using (var conn = await app.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new Npgsql.NpgsqlCommand("SELECT organization_id, timezone FROM analytics_rollup_organizations()", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) orgs.Add((r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1)));
        var days = 0;
        foreach (var (id, zoneId) in orgs)
        {
            var zone = Zone(zoneId);
            var today = LocalToday(utcNow, zone);
            days += await RunAsync(new TenantContext { OrganizationId = id, ActorType = "system", Role = Roles.Owner }, today.AddDays(-1), today, ct);
        }
        return new RollupPass(orgs.Count, days);
    }

    /// <summary>The organization's time zone: settings.timezone when it is an IANA zone this machine knows, else UTC.</summary>
    public static async Task<string> ZoneAsync(TenantSession s, CancellationToken ct) =>
        Zone(await s.ScalarAsync<string>("SELECT settings->>'timezone' FROM organizations WHERE id = $1", [s.OrganizationId], ct));

    public static string Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz) && tz.HasIanaId ? tz.Id : "UTC";

    public static DateOnly LocalToday(DateTime utcNow, string zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(zone)));
}
