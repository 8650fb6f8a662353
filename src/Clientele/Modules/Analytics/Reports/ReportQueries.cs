using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Analytics.Reports;

/// <summary>
/// The time series of the reports, read from the rollup tables (and the LLM cost ledger). Periods
/// without rows are zeros, so a chart has no holes. Averages are sums over counts across the
/// period's days (the rollups keep both in extra_metadata), never an average of averages.
/// </summary>
public static class ReportQueries
{
    /// <summary>The period of each day: $2 from, $3 to, $4 granularity.</summary>
    private const string Periods = """
        p AS (SELECT generate_series(date_trunc($4, $2::date::timestamp), $3::date::timestamp, ('1 ' || $4)::interval)::date AS period)
        """;

    public static async Task<JsonObject> RunAsync(TenantSession s, ReportRequest q, CancellationToken ct)
    {
        var (series, totals) = q.Name switch
        {
            "conversations" => await ConversationsAsync(s, q, ct),
            "usage" => await UsageAsync(s, q, ct),
            "agents" => await AgentsAsync(s, q, ct),
            _ => await FeaturesAsync(s, q, ct),
        };
        return new JsonObject
        {
            ["object"] = "report", ["report"] = q.Name, ["from"] = q.From.ToString("yyyy-MM-dd"), ["to"] = q.To.ToString("yyyy-MM-dd"),
            ["granularity"] = q.Granularity, ["time_zone"] = q.Zone, ["channel"] = q.Channel,
            ["agent"] = q.AgentId?.ToString() ?? q.AgentName, ["series"] = series, ["totals"] = totals,
        };
    }

    private sealed record Conv(long Total, long Resolved, long Escalated, long AiOnly, decimal FrSum, long FrCount, decimal ResSum, long ResCount, decimal CsatSum, long CsatCount)
    {
        public Conv Add(Conv o) => new(Total + o.Total, Resolved + o.Resolved, Escalated + o.Escalated, AiOnly + o.AiOnly, FrSum + o.FrSum, FrCount + o.FrCount,
            ResSum + o.ResSum, ResCount + o.ResCount, CsatSum + o.CsatSum, CsatCount + o.CsatCount);

        public JsonObject Json(JsonObject o)
        {
            o["conversations"] = Total; o["resolved"] = Resolved; o["escalated"] = Escalated;
            o["resolution_rate"] = Pct(Resolved, Total); o["escalation_rate"] = Pct(Escalated, Total);
            o["avg_first_response_seconds"] = Avg(FrSum, FrCount); o["avg_resolution_seconds"] = Avg(ResSum, ResCount);
            o["avg_csat"] = Avg(CsatSum, CsatCount); o["csat_responses"] = CsatCount;
            o["ai_handled"] = AiOnly; o["ai_share"] = Pct(AiOnly, Total);
            return o;
        }
    }

    private static async Task<(JsonArray, JsonObject)> ConversationsAsync(TenantSession s, ReportRequest q, CancellationToken ct)
    {
        var rows = await s.QueryAsync($$"""
            WITH {{Periods}},
            d AS (
              SELECT date_trunc($4, date::timestamp)::date AS period, sum(total_conversations)::bigint AS total, sum(resolved_conversations)::bigint AS resolved,
                     sum(escalated_conversations)::bigint AS escalated, sum((extra_metadata->>'ai_only')::bigint) AS ai_only,
                     sum((extra_metadata->>'first_response_seconds_sum')::numeric) AS fr_sum, sum((extra_metadata->>'first_response_count')::bigint) AS fr_count,
                     sum((extra_metadata->>'resolution_seconds_sum')::numeric) AS res_sum, sum((extra_metadata->>'resolution_count')::bigint) AS res_count,
                     sum((extra_metadata->>'csat_sum')::numeric) AS csat_sum, sum((extra_metadata->>'csat_count')::bigint) AS csat_count
              FROM conversation_analytics
              WHERE organization_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3 AND channel IS NOT DISTINCT FROM $5::text
              GROUP BY 1)
            SELECT p.period, coalesce(total, 0), coalesce(resolved, 0), coalesce(escalated, 0), coalesce(ai_only, 0), coalesce(fr_sum, 0), coalesce(fr_count, 0),
                   coalesce(res_sum, 0), coalesce(res_count, 0), coalesce(csat_sum, 0), coalesce(csat_count, 0)
            FROM p LEFT JOIN d USING (period) ORDER BY p.period
            """, [s.OrganizationId, q.From, q.To, q.Granularity, SqlArg.Text(q.Channel)],
            r => (Period: r.GetFieldValue<DateOnly>(0), Row: new Conv(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5), r.GetInt64(6),
                r.GetDecimal(7), r.GetInt64(8), r.GetDecimal(9), r.GetInt64(10))), ct);
        var total = new Conv(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var series = new JsonArray();
        foreach (var (period, row) in rows)
        {
            series.Add(row.Json(new JsonObject { ["period"] = period.ToString("yyyy-MM-dd") }));
            total = total.Add(row);
        }
        return (series, total.Json([]));
    }

    private static async Task<(JsonArray, JsonObject)> UsageAsync(TenantSession s, ReportRequest q, CancellationToken ct)
    {
        var rows = await s.QueryAsync($$"""
            WITH {{Periods}},
            d AS (
              SELECT date_trunc($4, date::timestamp)::date AS period, sum(total_messages)::bigint AS messages, sum(total_conversations)::bigint AS conversations,
                     sum(total_tokens)::bigint AS tokens, sum(unique_users)::bigint AS user_days, sum(workflow_executions)::bigint AS workflows
              FROM daily_metrics WHERE organization_id = $1 AND date >= $2 AND date <= $3 GROUP BY 1),
            l AS (
              SELECT date_trunc($4, (created_at AT TIME ZONE $5)::date::timestamp)::date AS period, sum(cost) AS cost, count(*) AS calls
              FROM llm_usage_logs
              WHERE organization_id = $1 AND created_at >= ($2::date)::timestamp AT TIME ZONE $5 AND created_at < ($3::date + 1)::timestamp AT TIME ZONE $5
              GROUP BY 1)
            SELECT p.period, coalesce(messages, 0), coalesce(conversations, 0), coalesce(tokens, 0), coalesce(user_days, 0), coalesce(workflows, 0),
                   coalesce(cost, 0), coalesce(calls, 0)
            FROM p LEFT JOIN d USING (period) LEFT JOIN l USING (period) ORDER BY p.period
            """, [s.OrganizationId, q.From, q.To, q.Granularity, q.Zone],
            r => (Period: r.GetFieldValue<DateOnly>(0), N: new[] { r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(7) },
                  Cost: r.GetDecimal(6)), ct);
        string[] names = ["messages", "conversations", "tokens", "user_days", "workflow_executions", "ai_calls"];
        var series = new JsonArray();
        var sums = new long[names.Length];
        var cost = 0m;
        foreach (var (period, n, c) in rows)
        {
            var o = new JsonObject { ["period"] = period.ToString("yyyy-MM-dd") };
            for (var i = 0; i < names.Length; i++) { o[names[i]] = n[i]; sums[i] += n[i]; }
            o["ai_cost"] = c;
            cost += c;
            series.Add(o);
        }
        var totals = new JsonObject();
        for (var i = 0; i < names.Length; i++) totals[names[i]] = sums[i];
        totals["ai_cost"] = cost;
        return (series, totals);
    }

    private static async Task<(JsonArray, JsonObject)> AgentsAsync(TenantSession s, ReportRequest q, CancellationToken ct)
    {
        // Rows only where the agent worked: one dataset per agent.
        var series = new JsonArray();
        var totals = new JsonObject();
        await using var r = await s.ReaderAsync("""
            SELECT date_trunc($4, date::timestamp)::date AS period, agent_id, max(agent_name), sum(conversation_count)::bigint, sum(successful_resolutions)::bigint,
                   sum(escalations)::bigint, sum(message_count)::bigint, sum(total_tokens)::bigint, sum(error_count)::bigint,
                   sum(coalesce((extra_metadata->>'response_ms_sum')::numeric, 0)), sum(coalesce((extra_metadata->>'response_count')::bigint, 0)),
                   sum(coalesce((extra_metadata->>'csat_sum')::numeric, 0)), sum(coalesce((extra_metadata->>'csat_count')::bigint, 0))
            FROM agent_performance
            WHERE organization_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3
              AND ($5::uuid IS NULL OR agent_id = $5) AND ($6::text IS NULL OR (agent_id IS NULL AND agent_name = $6))
            GROUP BY 1, agent_id, CASE WHEN agent_id IS NULL THEN agent_name END
            ORDER BY 1, 3, 2
            """, [s.OrganizationId, q.From, q.To, q.Granularity, SqlArg.Uuid(q.AgentId), SqlArg.Text(q.AgentName)], ct);
        long conversations = 0, resolved = 0, escalated = 0, messages = 0, tokens = 0, errors = 0;
        while (await r.ReadAsync(ct))
        {
            var o = new JsonObject
            {
                ["period"] = r.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd"), ["agent_id"] = r.IsDBNull(1) ? null : r.GetGuid(1).ToString(),
                ["agent_name"] = r.IsDBNull(2) ? null : r.GetString(2), ["conversations"] = r.GetInt64(3), ["resolutions"] = r.GetInt64(4),
                ["escalations"] = r.GetInt64(5), ["messages"] = r.GetInt64(6), ["tokens"] = r.GetInt64(7), ["errors"] = r.GetInt64(8),
                ["resolution_rate"] = Pct(r.GetInt64(4), r.GetInt64(3)), ["avg_response_ms"] = Avg(r.GetDecimal(9), r.GetInt64(10)),
                ["avg_csat"] = Avg(r.GetDecimal(11), r.GetInt64(12)),
            };
            conversations += r.GetInt64(3); resolved += r.GetInt64(4); escalated += r.GetInt64(5); messages += r.GetInt64(6); tokens += r.GetInt64(7); errors += r.GetInt64(8);
            series.Add(o);
        }
        totals["conversations"] = conversations; totals["resolutions"] = resolved; totals["escalations"] = escalated;
        totals["messages"] = messages; totals["tokens"] = tokens; totals["errors"] = errors;
        return (series, totals);
    }

    private static async Task<(JsonArray, JsonObject)> FeaturesAsync(TenantSession s, ReportRequest q, CancellationToken ct)
    {
        var rows = await s.QueryAsync("""
            SELECT date_trunc($4, date::timestamp)::date, feature_name, sum(usage_count)::bigint, count(DISTINCT customer_id)::bigint
            FROM feature_usage WHERE organization_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3
            GROUP BY 1, 2 ORDER BY 1, 2
            """, [s.OrganizationId, q.From, q.To, q.Granularity],
            r => (Period: r.GetFieldValue<DateOnly>(0), Feature: r.GetString(1), Uses: r.GetInt64(2), Customers: r.GetInt64(3)), ct);
        var series = new JsonArray();
        foreach (var x in rows)
            series.Add(new JsonObject { ["period"] = x.Period.ToString("yyyy-MM-dd"), ["feature"] = x.Feature, ["uses"] = x.Uses, ["customers"] = x.Customers });
        var totals = new JsonObject { ["uses"] = rows.Sum(x => x.Uses) };
        return (series, totals);
    }

    /// <summary>The conversations report's totals per channel over from..to (the console's channel table).</summary>
    public static async Task<List<(string Channel, JsonObject Numbers)>> ByChannelAsync(TenantSession s, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await s.QueryAsync("""
            SELECT channel, sum(total_conversations)::bigint, sum(resolved_conversations)::bigint, sum(escalated_conversations)::bigint,
                   coalesce(sum((extra_metadata->>'ai_only')::bigint), 0), coalesce(sum((extra_metadata->>'first_response_seconds_sum')::numeric), 0),
                   coalesce(sum((extra_metadata->>'first_response_count')::bigint), 0), coalesce(sum((extra_metadata->>'resolution_seconds_sum')::numeric), 0),
                   coalesce(sum((extra_metadata->>'resolution_count')::bigint), 0), coalesce(sum((extra_metadata->>'csat_sum')::numeric), 0),
                   coalesce(sum((extra_metadata->>'csat_count')::bigint), 0)
            FROM conversation_analytics
            WHERE organization_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3 AND channel IS NOT NULL
            GROUP BY channel ORDER BY 2 DESC, 1
            """, [s.OrganizationId, from, to],
            r => (r.GetString(0), new Conv(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5), r.GetInt64(6), r.GetDecimal(7),
                r.GetInt64(8), r.GetDecimal(9), r.GetInt64(10)).Json([])), ct);
        return rows;
    }

    /// <summary>Each agent's totals over from..to (the console's agent table), busiest first.</summary>
    public static async Task<List<JsonObject>> AgentTotalsAsync(TenantSession s, DateOnly from, DateOnly to, CancellationToken ct) =>
        await s.QueryAsync("""
            SELECT agent_id, max(agent_name), sum(conversation_count)::bigint, sum(successful_resolutions)::bigint, sum(escalations)::bigint,
                   sum(message_count)::bigint, sum(total_tokens)::bigint, sum(error_count)::bigint,
                   sum(coalesce((extra_metadata->>'response_ms_sum')::numeric, 0)), sum(coalesce((extra_metadata->>'response_count')::bigint, 0)),
                   sum(coalesce((extra_metadata->>'csat_sum')::numeric, 0)), sum(coalesce((extra_metadata->>'csat_count')::bigint, 0))
            FROM agent_performance
            WHERE organization_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3
            GROUP BY agent_id, CASE WHEN agent_id IS NULL THEN agent_name END
            ORDER BY 3 DESC, 2
            """, [s.OrganizationId, from, to], r => new JsonObject
        {
            ["agent_id"] = r.IsDBNull(0) ? null : r.GetGuid(0).ToString(), ["agent_name"] = r.IsDBNull(1) ? null : r.GetString(1),
            ["conversations"] = r.GetInt64(2), ["resolutions"] = r.GetInt64(3), ["escalations"] = r.GetInt64(4), ["messages"] = r.GetInt64(5),
            ["tokens"] = r.GetInt64(6), ["errors"] = r.GetInt64(7), ["resolution_rate"] = Pct(r.GetInt64(3), r.GetInt64(2)),
            ["avg_response_ms"] = Avg(r.GetDecimal(8), r.GetInt64(9)), ["avg_csat"] = Avg(r.GetDecimal(10), r.GetInt64(11)),
        }, ct);

    private static JsonNode? Pct(long part, long whole) => whole == 0 ? null : JsonValue.Create(Math.Round(part * 100m / whole, 2));
    private static JsonNode? Avg(decimal sum, long count) => count == 0 ? null : JsonValue.Create(Math.Round(sum / count, 2));
}
