using System.Globalization;
using System.Net;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Analytics;

/// <summary>A host whose hourly rollup job stays off, so each test sees only the rollups it runs.</summary>
public sealed class AnalyticsFixture : AppFixture
{
    protected override Dictionary<string, string?> Config => new() { ["Analytics:RollupEnabled"] = "false" };
}

/// <summary>Issue 14 item 2: the rollups equal what the rows say (computed here by hand), per day of the organization's clock, and a re-run changes nothing.</summary>
public sealed class AnalyticsRollupTests(AnalyticsFixture app) : IClassFixture<AnalyticsFixture>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Fact]
    public async Task A_month_of_rollups_equals_the_counts_of_the_rows_and_a_rerun_is_identical()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var seed = new ActivitySeed(AnalyticsRollup.LocalToday(DateTime.UtcNow, ActivitySeed.Zone));
        await seed.WriteAsync(app, t);
        // Another tenant's activity on the same days must not leak into these rollups.
        await new ActivitySeed(seed.To.AddDays(2)).WriteAsync(app, other, seed: 99);

        var run = await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = seed.From.ToString("yyyy-MM-dd", Inv), to = seed.To.ToString("yyyy-MM-dd", Inv) });
        run.Status.ShouldBe(HttpStatusCode.OK, run.Json?.ToJsonString());
        run.Json!["days"]!.GetValue<int>().ShouldBe(seed.To.DayNumber - seed.From.DayNumber + 1);
        run.Json["time_zone"]!.GetValue<string>().ShouldBe(ActivitySeed.Zone);

        (await RowsAsync(t.OrganizationId, DailySql)).ShouldBe(ExpectedDaily(seed));
        (await RowsAsync(t.OrganizationId, ConversationSql)).ShouldBe(ExpectedConversations(seed));
        (await RowsAsync(t.OrganizationId, AgentSql)).ShouldBe(ExpectedAgents(seed));
        (await RowsAsync(t.OrganizationId, FeatureSql)).ShouldBe(ExpectedFeatures(seed));
        // The seed has real variety: several days, channels, both kinds of agent, features.
        ExpectedConversations(seed).Count.ShouldBeGreaterThan(30);
        ExpectedAgents(seed).Select(r => r.Split('|')[1]).Distinct().Count().ShouldBe(3);

        // Same rows, same tables: every row (ids and updated_at included) is untouched by a re-run.
        var before = await SnapshotAsync(t.OrganizationId);
        await app.App.Services.GetRequiredService<AnalyticsRollup>().RunAsync(
            new() { OrganizationId = t.OrganizationId, ActorType = "system", Role = "owner" }, seed.From, seed.To, CancellationToken.None);
        (await SnapshotAsync(t.OrganizationId)).ShouldBe(before);
        (await CountAsync("SELECT count(*) FROM daily_metrics WHERE organization_id = $1", other.OrganizationId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_day_whose_rows_change_is_recomputed_and_rows_nothing_supports_are_removed()
    {
        var t = await app.SignupAsync();
        var day = AnalyticsRollup.LocalToday(DateTime.UtcNow, "UTC").AddDays(-3);
        var customer = await t.Http.CreateCustomerAsync();
        var conv = Guid.CreateVersion7();
        await using (var conn = await app.OwnerAsync())
        {
            await ActivitySeed.Exec(conn, """
                INSERT INTO conversations (id, organization_id, customer_id, status, channel, started_at) VALUES ($1, $2, $3, 'active', 'instagram', $4)
                """, conv, t.OrganizationId, customer, day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc));
            // Response times by hand: 30 s to the first reply; the second reply answers the later of two customer messages, 60 s after it.
            var t0 = day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc);
            foreach (var (seq, role, at) in new[] { (1, "user", 0), (2, "assistant", 30), (3, "user", 300), (4, "user", 360), (5, "assistant", 420) })
                await ActivitySeed.Exec(conn, """
                    INSERT INTO messages (id, organization_id, conversation_id, sequence_no, role, content, agent_name, tokens_used, "timestamp")
                    VALUES ($1, $2, $3, $4, $5, 'x', $6, $7, $8)
                    """, Guid.CreateVersion7(), t.OrganizationId, conv, seq, role, role == "user" ? null : "triage", role == "user" ? null : 100, t0.AddSeconds(at));
        }
        await RollupAsync(t, day);
        var agent = await RowsAsync(t.OrganizationId, "SELECT agent_name || '|' || avg_response_time_ms || '|' || avg_response_time || '|' || message_count || '|' || total_tokens FROM agent_performance WHERE organization_id = $1");
        agent.ShouldBe(["triage|45000|45.00|2|200"]);
        (await RowsAsync(t.OrganizationId, "SELECT coalesce(channel, 'all') || '|' || total_conversations FROM conversation_analytics WHERE organization_id = $1 ORDER BY channel NULLS FIRST"))
            .ShouldBe(["all|1", "instagram|1"]);

        await using (var conn = await app.OwnerAsync())
            await ActivitySeed.Exec(conn, "UPDATE conversations SET deleted_at = now() WHERE id = $1", conv);
        await RollupAsync(t, day);
        (await CountAsync("SELECT count(*) FROM conversation_analytics WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM agent_performance WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        // The messages themselves were not deleted: the organization's day still counts them.
        (await RowsAsync(t.OrganizationId, "SELECT total_messages || '|' || total_conversations FROM daily_metrics WHERE organization_id = $1")).ShouldBe(["5|0"]);
    }

    [Fact]
    public async Task Rerunning_needs_an_admin_and_a_valid_range()
    {
        var t = await app.SignupAsync();
        var viewer = await app.KeyClientAsync(t, "read");
        (await viewer.PostJsonAsync("/api/v1/analytics/rollup", new { from = "2026-01-01", to = "2026-01-02" })).ShouldBeProblem(403);
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = "2026-01-05", to = "2026-01-02" })).ShouldBeProblem(422, "from");
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = "2024-01-01", to = "2026-01-02" })).ShouldBeProblem(422, "to");
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = "2026-01-01", to = "2999-01-02" })).ShouldBeProblem(422, "to");
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = "yesterday", to = "2026-01-02" })).ShouldBeProblem(422, "from");
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { to = "2026-01-02" })).ShouldBeProblem(422, "from");
    }

    [Fact]
    public async Task The_scheduled_pass_rolls_up_today_and_yesterday_on_each_organizations_clock()
    {
        var t = await app.SignupAsync();
        await using (var conn = await app.OwnerAsync())
        {
            await ActivitySeed.Exec(conn, "UPDATE organizations SET settings = settings || '{\"timezone\": \"Pacific/Auckland\"}' WHERE id = $1", t.OrganizationId);
            var customer = await t.Http.CreateCustomerAsync();
            await ActivitySeed.Exec(conn, "INSERT INTO conversations (id, organization_id, customer_id, channel, started_at) VALUES ($1, $2, $3, 'email', now())",
                Guid.CreateVersion7(), t.OrganizationId, customer);
        }
        var pass = await app.App.Services.GetRequiredService<AnalyticsRollup>().RunScheduledAsync(DateTime.UtcNow, CancellationToken.None);
        pass.Organizations.ShouldBeGreaterThanOrEqualTo(1);
        pass.Days.ShouldBe(pass.Organizations * 2);
        var today = AnalyticsRollup.LocalToday(DateTime.UtcNow, "Pacific/Auckland");
        (await RowsAsync(t.OrganizationId, "SELECT date::text || '|' || total_conversations FROM daily_metrics WHERE organization_id = $1"))
            .ShouldBe([$"{today:yyyy-MM-dd}|1"]);
    }

    private async Task RollupAsync(AppFixture.Tenant t, DateOnly day)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from = day.ToString("yyyy-MM-dd", Inv), to = day.ToString("yyyy-MM-dd", Inv) });
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
    }

    private const string DailySql = """
        SELECT date::text || '|' || total_messages || '|' || total_conversations || '|' || total_tokens || '|' || unique_users || '|' || avg_response_time || '|' || agent_count
        FROM daily_metrics WHERE organization_id = $1 ORDER BY 1
        """;
    private const string ConversationSql = """
        SELECT date::text || '|' || coalesce(channel, 'all') || '|' || total_conversations || '|' || resolved_conversations || '|' || escalated_conversations || '|'
               || coalesce(avg_csat::text, '-') || '|' || (extra_metadata->>'ai_only')
        FROM conversation_analytics WHERE organization_id = $1 ORDER BY 1
        """;
    private const string AgentSql = """
        SELECT date::text || '|' || coalesce(agent_id::text, agent_name) || '|' || conversation_count || '|' || message_count || '|' || total_tokens || '|' || error_count
               || '|' || successful_resolutions || '|' || escalations
        FROM agent_performance WHERE organization_id = $1 ORDER BY 1
        """;
    private const string FeatureSql = """
        SELECT date::text || '|' || customer_id || '|' || feature_name || '|' || usage_count FROM feature_usage WHERE organization_id = $1 ORDER BY 1
        """;

    private static bool InRange(ActivitySeed s, DateOnly d) => d >= s.From && d <= s.To;
    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", Inv);

    private static List<string> ExpectedDaily(ActivitySeed s)
    {
        var live = s.Conversations.Where(c => !c.Deleted).ToList();
        var msgs = s.Conversations.SelectMany(c => c.Messages).ToList();
        var days = live.Select(c => s.LocalDay(c.StartedUtc)).Concat(msgs.Select(m => s.LocalDay(m.AtUtc)))
            .Concat(s.Events.Where(e => e.UserId is not null).Select(e => s.LocalDay(e.AtUtc))).Where(d => InRange(s, d)).Distinct();
        return days.Select(d =>
        {
            var convs = live.Where(c => s.LocalDay(c.StartedUtc) == d).ToList();
            var dayMsgs = msgs.Where(m => s.LocalDay(m.AtUtc) == d).ToList();
            var users = dayMsgs.Where(m => m.AgentName == "human").Select(m => m.CreatedBy)
                .Concat(s.Events.Where(e => e.UserId is not null && s.LocalDay(e.AtUtc) == d).Select(e => e.UserId)).Distinct().Count();
            var fr = convs.Where(c => c.FirstResponse is not null).Select(c => (decimal)c.FirstResponse!.Value).ToList();
            var response = fr.Count == 0 ? 0m : Math.Round(fr.Average(), 2, MidpointRounding.AwayFromZero);
            return $"{D(d)}|{dayMsgs.Count}|{convs.Count}|{dayMsgs.Sum(m => m.Tokens ?? 0)}|{users}|{response.ToString("0.00", Inv)}|{convs.Where(c => c.AgentId is not null).Select(c => c.AgentId).Distinct().Count()}";
        }).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> ExpectedConversations(ActivitySeed s)
    {
        var live = s.Conversations.Where(c => !c.Deleted && InRange(s, s.LocalDay(c.StartedUtc))).ToList();
        var rows = new List<string>();
        foreach (var g in live.GroupBy(c => s.LocalDay(c.StartedUtc)))
        {
            rows.Add(Row(g.Key, "all", g.ToList()));
            foreach (var ch in g.Where(c => c.Channel is not null).GroupBy(c => c.Channel!)) rows.Add(Row(g.Key, ch.Key, ch.ToList()));
        }
        return rows.Order(StringComparer.Ordinal).ToList();

        static string Row(DateOnly d, string channel, List<ActivitySeed.Conv> cs)
        {
            var csat = cs.Where(c => c.Csat is not null).Select(c => (decimal)c.Csat!.Value).ToList();
            var avg = csat.Count == 0 ? "-" : ((double)Math.Round(csat.Average(), 4, MidpointRounding.AwayFromZero)).ToString(Inv);
            var aiOnly = cs.Count(c => !c.Messages.Any(m => m.AgentName == "human"));
            return $"{D(d)}|{channel}|{cs.Count}|{cs.Count(c => c.Status == "resolved")}|{cs.Count(c => c.Status == "escalated")}|{avg}|{aiOnly}";
        }
    }

    private static List<string> ExpectedAgents(ActivitySeed s)
    {
        var replies = s.Conversations.Where(c => !c.Deleted)
            .SelectMany(c => c.Messages.Where(m => m.Role == "assistant" && m.AgentName != "human").Select(m => (Conv: c, Msg: m, Day: s.LocalDay(m.AtUtc))))
            .Where(x => InRange(s, x.Day));
        return replies.GroupBy(x => (x.Day, Key: x.Conv.AgentId?.ToString() ?? x.Msg.AgentName!)).Select(g =>
        {
            var convs = g.Select(x => x.Conv).Distinct().ToList();
            var resolved = convs.Count(c => c.Status == "resolved" && (c.AgentId is not null || c.ResolvedBy == g.Key.Key));
            return $"{D(g.Key.Day)}|{g.Key.Key}|{convs.Count}|{g.Count()}|{g.Sum(x => x.Msg.Tokens ?? 0)}|{g.Count(x => x.Msg.Status == "failed")}|{resolved}|{convs.Count(c => c.Status == "escalated")}";
        }).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> ExpectedFeatures(ActivitySeed s) =>
        s.Events.Where(e => e.CustomerId is not null && InRange(s, s.LocalDay(e.AtUtc)))
            .GroupBy(e => (Day: s.LocalDay(e.AtUtc), e.CustomerId, e.Feature))
            .Select(g => $"{D(g.Key.Day)}|{g.Key.CustomerId}|{g.Key.Feature}|{g.Count()}").Order(StringComparer.Ordinal).ToList();

    private async Task<List<string>> SnapshotAsync(Guid org)
    {
        var all = new List<string>();
        foreach (var table in new[] { "daily_metrics", "conversation_analytics", "agent_performance", "feature_usage" })
            all.AddRange(await RowsAsync(org, $"SELECT to_jsonb(t)::text FROM {table} t WHERE organization_id = $1 ORDER BY id"));
        return all;
    }

    private async Task<List<string>> RowsAsync(Guid org, string sql)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(org);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private async Task<long> CountAsync(string sql, Guid org) => await Success.HealthTests.CountAsync(app, sql, org);
}
