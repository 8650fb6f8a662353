using System.Globalization;
using System.Net;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Analytics;

/// <summary>Issue 14 item 2: GET /api/v1/reports/{name} serves the rollups as time series that add up to the rows.</summary>
public sealed class ReportSeriesTests(AnalyticsFixture app) : IClassFixture<AnalyticsFixture>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Fact]
    public async Task Weekly_and_daily_series_add_up_to_the_conversations_and_averages_are_over_all_rows()
    {
        var t = await app.SignupAsync();
        var seed = new ActivitySeed(AnalyticsRollup.LocalToday(DateTime.UtcNow, ActivitySeed.Zone));
        await seed.WriteAsync(app, t, seed: 5);
        string from = seed.From.ToString("yyyy-MM-dd", Inv), to = seed.To.ToString("yyyy-MM-dd", Inv);
        (await t.Http.PostJsonAsync("/api/v1/analytics/rollup", new { from, to })).Status.ShouldBe(HttpStatusCode.OK);
        var live = seed.Conversations.Where(c => !c.Deleted && seed.LocalDay(c.StartedUtc) >= seed.From && seed.LocalDay(c.StartedUtc) <= seed.To).ToList();

        var weekly = await t.Http.GetJsonAsync($"/api/v1/reports/conversations?from={from}&to={to}&granularity=week");
        weekly.Status.ShouldBe(HttpStatusCode.OK, weekly.Json?.ToJsonString());
        var series = weekly.Json!["series"]!.AsArray();
        // One period per week touched by the range, each named by its Monday.
        series.Select(p => DateOnly.ParseExact(p!["period"]!.GetValue<string>(), "yyyy-MM-dd", Inv).DayOfWeek).ShouldAllBe(d => d == DayOfWeek.Monday);
        foreach (var p in series)
        {
            var monday = DateOnly.ParseExact(p!["period"]!.GetValue<string>(), "yyyy-MM-dd", Inv);
            p["conversations"]!.GetValue<long>().ShouldBe(live.Count(c => seed.LocalDay(c.StartedUtc) >= monday && seed.LocalDay(c.StartedUtc) < monday.AddDays(7)));
        }
        var totals = weekly.Json["totals"]!;
        totals["conversations"]!.GetValue<long>().ShouldBe(live.Count);
        totals["resolved"]!.GetValue<long>().ShouldBe(live.Count(c => c.Status == "resolved"));
        var csat = live.Where(c => c.Csat is not null).Select(c => (decimal)c.Csat!.Value).ToList();
        totals["avg_csat"]!.GetValue<decimal>().ShouldBe(Math.Round(csat.Average(), 2));
        var fr = live.Where(c => c.FirstResponse is not null).Select(c => (decimal)c.FirstResponse!.Value).ToList();
        totals["avg_first_response_seconds"]!.GetValue<decimal>().ShouldBe(Math.Round(fr.Average(), 2));
        totals["resolution_rate"]!.GetValue<decimal>().ShouldBe(Math.Round(live.Count(c => c.Status == "resolved") * 100m / live.Count, 2));
        var aiOnly = live.Count(c => !c.Messages.Any(m => m.AgentName == "human"));
        totals["ai_share"]!.GetValue<decimal>().ShouldBe(Math.Round(aiOnly * 100m / live.Count, 2));

        var email = await t.Http.GetJsonAsync($"/api/v1/reports/conversations?from={from}&to={to}&channel=email");
        var daily = email.Json!["series"]!.AsArray();
        daily.Count.ShouldBe(seed.To.DayNumber - seed.From.DayNumber + 1); // every day, zeros included
        email.Json["totals"]!["conversations"]!.GetValue<long>().ShouldBe(live.Count(c => c.Channel == "email"));

        var agents = await t.Http.GetJsonAsync($"/api/v1/reports/agents?from={from}&to={to}&granularity=month&agent=triage");
        var rows = agents.Json!["series"]!.AsArray();
        rows.ShouldNotBeEmpty();
        rows.ShouldAllBe(r => r!["agent_name"]!.GetValue<string>() == "triage" && r["agent_id"] == null);
        agents.Json["totals"]!["messages"]!.GetValue<long>().ShouldBe(live.SelectMany(c => c.Messages)
            .Count(m => m.AgentName == "triage" && seed.LocalDay(m.AtUtc) >= seed.From && seed.LocalDay(m.AtUtc) <= seed.To));

        var features = await t.Http.GetJsonAsync($"/api/v1/reports/features?from={from}&to={to}&granularity=month");
        features.Json!["totals"]!["uses"]!.GetValue<long>().ShouldBe(seed.Events.Count(e => e.CustomerId is not null && seed.LocalDay(e.AtUtc) >= seed.From && seed.LocalDay(e.AtUtc) <= seed.To));
    }

    [Fact]
    public async Task Usage_counts_the_ai_cost_ledger_on_the_organizations_days()
    {
        var t = await app.SignupAsync();
        var day = AnalyticsRollup.LocalToday(DateTime.UtcNow, "UTC").AddDays(-2);
        await using (var conn = await app.OwnerAsync())
            foreach (var (cost, hour) in new[] { (0.25m, 9), (0.5m, 23) })
                await ActivitySeed.Exec(conn, """
                    INSERT INTO llm_usage_logs (id, organization_id, workflow_name, node_name, model, prompt_tokens, completion_tokens, total_tokens, latency_ms, cost, created_at)
                    VALUES ($1, $2, 'support_reply', 'triage', 'gpt-4o-mini', 10, 5, 15, 100, $3, $4)
                    """, Guid.CreateVersion7(), t.OrganizationId, cost, day.ToDateTime(new TimeOnly(hour, 30), DateTimeKind.Utc));
        var d = day.ToString("yyyy-MM-dd", Inv);
        var usage = await t.Http.GetJsonAsync($"/api/v1/reports/usage?from={d}&to={d}");
        usage.Status.ShouldBe(HttpStatusCode.OK, usage.Json?.ToJsonString());
        usage.Json!["totals"]!["ai_cost"]!.GetValue<decimal>().ShouldBe(0.75m);
        usage.Json["totals"]!["ai_calls"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task Bad_parameters_are_a_400_naming_them_and_an_unknown_report_a_404()
    {
        var t = await app.SignupAsync();
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?granularity=year")).ShouldBeProblem(400, "granularity");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?from=2026-02-01&to=2026-01-01")).ShouldBeProblem(400, "from");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?from=01/02/2026")).ShouldBeProblem(400, "from");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?from=2020-01-01&to=2026-01-01")).ShouldBeProblem(400, "to");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?channel=fax")).ShouldBeProblem(400, "channel");
        (await t.Http.GetJsonAsync("/api/v1/reports/usage?channel=email")).ShouldBeProblem(400, "channel");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?agent=triage")).ShouldBeProblem(400, "agent");
        (await t.Http.GetJsonAsync("/api/v1/reports/conversations?colour=red")).ShouldBeProblem(400, "colour");
        (await t.Http.GetJsonAsync("/api/v1/reports/revenue")).ShouldBeProblem(404);
        // No parameters: the last 30 days, all zeros for a new organization.
        var empty = await t.Http.GetJsonAsync("/api/v1/reports/conversations");
        empty.Status.ShouldBe(HttpStatusCode.OK);
        empty.Json!["series"]!.AsArray().Count.ShouldBe(30);
        empty.Json["totals"]!["conversations"]!.GetValue<long>().ShouldBe(0);
        empty.Json["totals"]!["resolution_rate"].ShouldBeNull();
    }
}
