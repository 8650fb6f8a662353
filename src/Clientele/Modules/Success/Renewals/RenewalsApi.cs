using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Success.Renewals;

/// <summary>GET /api/v1/renewals/forecast?quarter=Q1 2027: ARR renewing, probability-weighted ARR and ARR at risk per quarter.</summary>
public static partial class RenewalsApi
{
    [GeneratedRegex(@"^(?:Q([1-4]) ?(\d{4})|(\d{4})-?Q([1-4]))$", RegexOptions.IgnoreCase)]
    private static partial Regex QuarterPattern();

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/renewals/forecast", Forecast).WithTags("Success").WithName("RenewalForecast")
            .WithSummary("Per quarter (quarter=Q1 2027 or 2027-Q1; default this and the next three): renewals, arr, weighted_arr (× probability), at_risk_arr (probability below 50 or health below 50), by stage");

    /// <summary>The quarter's first day, or null when the text is not a quarter.</summary>
    public static DateOnly? ParseQuarter(string text)
    {
        var m = QuarterPattern().Match(text.Trim());
        if (!m.Success) return null;
        var q = int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[4].Value, CultureInfo.InvariantCulture);
        var y = int.Parse(m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value, CultureInfo.InvariantCulture);
        return y is < 2000 or > 2200 ? null : new DateOnly(y, (q - 1) * 3 + 1, 1);
    }

    private static async Task<IResult> Forecast(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var starts = new List<DateOnly>();
        if (ctx.Request.Query.TryGetValue("quarter", out var raw))
        {
            if (ParseQuarter(raw.ToString()) is not { } start)
                throw ProblemException.BadRequest("quarter must look like Q1 2027 or 2027-Q1.", new Dictionary<string, string[]> { ["quarter"] = ["must look like Q1 2027 or 2027-Q1"] });
            starts.Add(start);
        }
        else
        {
            var first = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
            for (var i = 0; i < 4; i++) starts.Add(first.AddMonths(3 * i));
        }
        await using var s = sessions.Open(tenant);
        var quarters = new JsonArray();
        foreach (var start in starts)
        {
            var end = start.AddMonths(3);
            var rows = await s.ReadListAsync("""
                SELECT r.stage, count(*)::int, coalesce(sum(r.current_arr), 0), coalesce(sum(r.current_arr * coalesce(r.probability, 0) / 100.0), 0),
                       coalesce(sum(r.current_arr) FILTER (WHERE coalesce(r.probability, 0) < 50 OR c.health_score < 50), 0)
                FROM renewal_pipeline r
                JOIN customers c ON c.organization_id = r.organization_id AND c.id = r.customer_id AND c.deleted_at IS NULL
                WHERE r.organization_id = $1 AND r.renewal_date >= $2 AND r.renewal_date < $3
                GROUP BY r.stage
                """, [s.OrganizationId, start, end], r => (Stage: r.GetString(0), Count: r.GetInt32(1), Arr: r.GetDecimal(2), Weighted: r.GetDecimal(3), AtRisk: r.GetDecimal(4)), ct: ctx.RequestAborted);
            var open = rows.Where(r => r.Stage != "churned").ToList();
            quarters.Add(new JsonObject
            {
                ["quarter"] = $"Q{(start.Month - 1) / 3 + 1} {start.Year}", ["start"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["end"] = end.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["renewals"] = rows.Sum(r => r.Count), ["arr"] = open.Sum(r => r.Arr), ["weighted_arr"] = Math.Round(open.Sum(r => r.Weighted), 2),
                ["at_risk_arr"] = open.Sum(r => r.AtRisk), ["churned_arr"] = rows.Where(r => r.Stage == "churned").Sum(r => r.Arr),
                ["by_stage"] = new JsonObject(rows.OrderBy(r => r.Stage, StringComparer.Ordinal).Select(r => KeyValuePair.Create(r.Stage, (JsonNode?)new JsonObject { ["renewals"] = r.Count, ["arr"] = r.Arr }))),
            });
        }
        return Results.Text(new JsonObject { ["quarters"] = quarters }.ToJsonString(), "application/json");
    }
}
