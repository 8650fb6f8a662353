using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Customers;

/// <summary>One row of the customer table.</summary>
public sealed record CustomerRow(Guid Id, string? Name, string Email, string? Company, string? Plan, decimal? Mrr, int? HealthScore, decimal? ChurnRisk,
    DateOnly? RenewalDate, Guid? CsmId, string? CsmName, string? Segment, string? Stage)
{
    public bool IsAtRisk => HealthScore < CustomersModule.AtRiskHealthBelow && ChurnRisk > CustomersModule.AtRiskChurnAbove;
}

/// <summary>A page of customers, the cursor of the next page (null on the last) and how many match in all.</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerRow> Rows, KeysetCursor? Next, long Total);

/// <summary>
/// The customer table's reads: one keyset page (the sort expression and id of the last row
/// continue the next page, so page 500 costs what page 1 costs) and the total that matches.
/// </summary>
public static class CustomerList
{
    public const int PageSize = 50;
    private const string From = "customers c LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.csm_id";

    public static async Task<CustomerPage> ReadPageAsync(TenantSession s, CustomerFilter f, KeysetCursor? after, int limit, CancellationToken ct)
    {
        var p = new SqlParameters();
        var where = f.Where(p, s.OrganizationId);
        if (after is not null)
        {
            var cast = CustomerFilter.Sorts[f.Sort].Cast;
            where += $" AND ({f.SortSql}, c.id) {(f.Descending ? "<" : ">")} ({p.Bind(after.Value)}::{cast}, {p.Bind(after.Id)})";
        }
        var sql = $"""
            SELECT c.id, c.name, c.email, c.company_name, c.plan, c.mrr, c.health_score, c.churn_risk, c.renewal_date, c.csm_id, u.name,
                   c.segment, c.stage, ({f.SortSql})::text
            FROM {From} WHERE {where} ORDER BY {f.OrderBy} LIMIT {limit + 1}
            """;
        var rows = new List<CustomerRow>();
        string? lastKey = null;
        var more = false;
        await using (var r = await s.ReadAsync(sql, p.List, ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (rows.Count == limit) { more = true; break; }
                rows.Add(Map(r));
                lastKey = r.GetString(13);
            }
        }
        var next = more ? new KeysetCursor(lastKey!, rows[^1].Id) : null;
        var total = after is null && !more ? rows.Count : await CountAsync(s, f, ct);
        return new CustomerPage(rows, next, total);
    }

    public static async Task<long> CountAsync(TenantSession s, CustomerFilter f, CancellationToken ct)
    {
        var p = new SqlParameters();
        await using var r = await s.ReadAsync($"SELECT count(*) FROM customers c WHERE {f.Where(p, s.OrganizationId)}", p.List, ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0);
    }

    private static CustomerRow Map(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetDecimal(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetDecimal(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8), r.IsDBNull(9) ? null : r.GetGuid(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));

    /// <summary>
    /// Filter choices: plans and segments in use, and the people who are CSMs of some customer. The distinct
    /// values are read by skipping through an index (one probe per value), not by reading every customer.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Plans, IReadOnlyList<string> Segments, IReadOnlyList<(Guid Id, string Name)> Csms)> ChoicesAsync(
        TenantSession s, CancellationToken ct)
    {
        var plans = new List<string>();
        var segments = new List<string>();
        var csms = new List<(Guid, string)>();
        await using var r = await s.ReadAsync("""
            WITH RECURSIVE plans(v) AS (
              (SELECT plan FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND plan IS NOT NULL ORDER BY plan LIMIT 1)
              UNION ALL
              SELECT (SELECT plan FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND plan > p.v ORDER BY plan LIMIT 1) FROM plans p WHERE p.v IS NOT NULL
            ), segments(v) AS (
              (SELECT segment FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND segment IS NOT NULL ORDER BY segment LIMIT 1)
              UNION ALL
              SELECT (SELECT segment FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND segment > g.v ORDER BY segment LIMIT 1) FROM segments g WHERE g.v IS NOT NULL
            )
            SELECT 'plan', v, NULL::uuid FROM plans WHERE v IS NOT NULL
            UNION ALL SELECT 'segment', v, NULL FROM segments WHERE v IS NOT NULL
            UNION ALL SELECT 'csm', coalesce(u.name, u.email), u.id FROM users u
              WHERE u.organization_id = $1 AND u.deleted_at IS NULL
                AND EXISTS (SELECT 1 FROM customers c WHERE c.organization_id = $1 AND c.csm_id = u.id AND c.deleted_at IS NULL)
            ORDER BY 1, 2
            """, [new NpgsqlParameter { Value = s.OrganizationId }], ct);
        while (await r.ReadAsync(ct))
        {
            switch (r.GetString(0))
            {
                case "plan": plans.Add(r.GetString(1)); break;
                case "segment": segments.Add(r.GetString(1)); break;
                default: csms.Add((r.GetGuid(2), r.GetString(1))); break;
            }
        }
        return (plans, segments, csms);
    }
}
