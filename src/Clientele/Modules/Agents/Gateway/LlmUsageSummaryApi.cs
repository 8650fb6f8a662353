using System.Globalization;
using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>GET /llm_usage_logs/summary?from=&amp;to=: the organization's model spend per UTC day and per model.</summary>
public static class LlmUsageSummaryApi
{
    public const int MaxDays = 366;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/llm_usage_logs/summary", Summary).WithTags("Analytics").WithName("LlmUsageSummary")
            .WithSummary("Model calls, tokens and cost per UTC day (every day from `from` to `to`, default the last 30) with a per-model breakdown");

    private sealed record Totals(int Calls, long Prompt, long Completion, long Total, decimal Cost);

    private static async Task<IResult> Summary(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var (from, to) = Range(ctx.Request.Query, DateOnly.FromDateTime(DateTime.UtcNow));
        var rows = new Dictionary<DateOnly, List<(string Model, Totals Totals)>>();
        await using (var s = sessions.Open(tenant))
        await using (var r = await s.BatchReaderAsync(
            "SELECT (created_at AT TIME ZONE 'UTC')::date, model, count(*)::int, sum(prompt_tokens)::bigint, sum(completion_tokens)::bigint, " +
            "sum(total_tokens)::bigint, sum(cost) FROM llm_usage_logs WHERE organization_id = $1 AND created_at >= $2 AND created_at < $3 " +
            "GROUP BY 1, 2 ORDER BY 1, 2",
            [tenant.OrganizationId, Utc(from), Utc(to.AddDays(1))],
            ctx.RequestAborted))
        {
            while (await r.ReadAsync(ctx.RequestAborted))
            {
                var day = DateOnly.FromDateTime(r.GetDateTime(0));
                if (!rows.TryGetValue(day, out var list)) rows[day] = list = [];
                list.Add((r.GetString(1), new Totals(r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetDecimal(6))));
            }
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteString("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteStartArray("data");
            var totalCost = 0m;
            // Every day of the range, zeros included, so a chart needs no gap filling.
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                var models = rows.GetValueOrDefault(day) ?? [];
                var sum = models.Aggregate(new Totals(0, 0, 0, 0, 0m), (a, m) =>
                    new Totals(a.Calls + m.Totals.Calls, a.Prompt + m.Totals.Prompt, a.Completion + m.Totals.Completion, a.Total + m.Totals.Total, a.Cost + m.Totals.Cost));
                totalCost += sum.Cost;
                w.WriteStartObject();
                w.WriteString("date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                WriteTotals(w, sum);
                w.WriteStartObject("by_model");
                foreach (var (model, totals) in models)
                {
                    w.WriteStartObject(model);
                    WriteTotals(w, totals);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("total_cost", totalCost);
            w.WriteEndObject();
        }
        return new JsonBytesResult(buffer.WrittenSpan.ToArray(), 200);
    }

    /// <summary>from and to (YYYY-MM-DD, UTC, inclusive); default the 30 days ending today.</summary>
    internal static (DateOnly From, DateOnly To) Range(IQueryCollection q, DateOnly today)
    {
        var errors = new FieldErrors();
        var to = Date(q, "to", errors) ?? today;
        var from = Date(q, "from", errors) ?? to.AddDays(-29);
        errors.ThrowIfAny(400);
        if (from > to) errors.Add("from", "must not be after to");
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays) errors.Add("from", $"the range can span at most {MaxDays} days");
        errors.ThrowIfAny(400);
        return (from, to);
    }

    private static DateOnly? Date(IQueryCollection q, string name, FieldErrors errors)
    {
        if (!q.TryGetValue(name, out var v)) return null;
        if (DateOnly.TryParseExact(v.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(name, "must be a date YYYY-MM-DD");
        return null;
    }

    private static DateTime Utc(DateOnly d) => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static void WriteTotals(Utf8JsonWriter w, Totals t)
    {
        w.WriteNumber("calls", t.Calls);
        w.WriteNumber("prompt_tokens", t.Prompt);
        w.WriteNumber("completion_tokens", t.Completion);
        w.WriteNumber("total_tokens", t.Total);
        w.WriteNumber("cost", t.Cost);
    }
}
