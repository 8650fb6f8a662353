using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Deals;

/// <summary>
/// The pipeline in numbers: per stage the live deals' count, value and weighted value (value ×
/// probability / 100, rounded per deal exactly like deals.weighted_value, so a column's total is
/// the sum of its cards), and the open deals' forecast by month of expected_close_date. One
/// currency at a time (amounts in different currencies are never added). Shared by
/// GET /api/v1/deals/pipeline and the /app/pipeline board.
/// </summary>
public static class DealPipeline
{
    public sealed record Filter(string? Currency, Guid? AssignedTo, string? CloseMonth);

    public sealed record StageTotal(string Stage, int Count, decimal Value, decimal WeightedValue, int DefaultProbability);

    public sealed record MonthTotal(string? Month, int Count, decimal Value, decimal WeightedValue);

    public sealed record Report(string Currency, IReadOnlyList<StageTotal> Stages, IReadOnlyList<MonthTotal> Forecast,
        int OpenCount, decimal OpenValue, decimal OpenWeightedValue, IReadOnlyList<string> Currencies);

    /// <summary>Parses ?currency=&amp;assigned_to=&amp;close_month=YYYY-MM; bad values are a 400 naming the parameter.</summary>
    public static Filter Parse(string? currency, string? assignedTo, string? closeMonth)
    {
        var errors = new FieldErrors();
        if (currency is not null && !System.Text.RegularExpressions.Regex.IsMatch(currency, "^[A-Z]{3}$")) errors.Add("currency", "must be a three-letter code like USD");
        Guid? owner = null;
        if (!string.IsNullOrEmpty(assignedTo)) { if (Guid.TryParse(assignedTo, out var g)) owner = g; else errors.Add("assigned_to", "must be a user id"); }
        if (!string.IsNullOrEmpty(closeMonth) && !DateTime.TryParseExact(closeMonth + "-01", "yyyy-MM-dd", null, System.Globalization.DateTimeStyles.None, out _))
            errors.Add("close_month", "must be a month like 2026-12");
        errors.ThrowIfAny(400);
        return new Filter(currency, owner, string.IsNullOrEmpty(closeMonth) ? null : closeMonth);
    }

    private const string Where = """
        d.organization_id = $1 AND d.deleted_at IS NULL AND d.currency = $2
          AND ($3::uuid IS NULL OR d.assigned_to = $3)
          AND ($4::text IS NULL OR to_char(d.expected_close_date AT TIME ZONE 'UTC', 'YYYY-MM') = $4)
        """;

    public static async Task<Report> ReadAsync(TenantSession s, Filter f, CancellationToken ct)
    {
        var currencies = await s.ReadListAsync("""
            SELECT currency FROM deals WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY currency ORDER BY count(*) DESC, currency
            """, [s.OrganizationId], r => r.GetString(0), ct);
        var currency = f.Currency ?? currencies.FirstOrDefault() ?? "USD";
        // A parameter object belongs to one command: each query gets its own.
        object?[] Args() => [s.OrganizationId, currency, SqlArg.Uuid(f.AssignedTo), SqlArg.Text(f.CloseMonth)];
        var byStage = (await s.ReadListAsync($"""
            SELECT d.stage, count(*)::int, coalesce(sum(d.value), 0), coalesce(sum(round(d.value * d.probability / 100.0, 2)), 0)
            FROM deals d WHERE {Where} GROUP BY d.stage
            """, Args(), r => (Stage: r.GetString(0), Count: r.GetInt32(1), Value: r.GetDecimal(2), Weighted: r.GetDecimal(3)), ct))
            .ToDictionary(x => x.Stage);
        var stages = DealStages.All.Select(st => byStage.TryGetValue(st, out var t)
            ? new StageTotal(st, t.Count, t.Value, t.Weighted, DealStages.DefaultProbability(st))
            : new StageTotal(st, 0, 0m, 0m, DealStages.DefaultProbability(st))).ToList();
        var forecast = await s.ReadListAsync($"""
            SELECT to_char(d.expected_close_date AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int, sum(d.value), sum(round(d.value * d.probability / 100.0, 2))
            FROM deals d WHERE {Where} AND d.stage NOT IN ('closed_won', 'closed_lost')
            GROUP BY 1 ORDER BY 1 NULLS LAST
            """, Args(), r => new MonthTotal(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt32(1), r.GetDecimal(2), r.GetDecimal(3)), ct);
        var open = stages.Where(x => !DealStages.IsClosed(x.Stage)).ToList();
        return new Report(currency, stages, forecast, open.Sum(x => x.Count), open.Sum(x => x.Value), open.Sum(x => x.WeightedValue),
            currencies.Count == 0 ? [currency] : currencies);
    }
}
