using Clientele.Platform.Database;
using Clientele.Platform.WebConsole;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success: the CSM's morning view. Accounts by health (lowest first) with the trend of their
/// last two recorded scores and their worst open signal, the open risk signals, renewals in the next
/// 90 days, and save plays in flight or waiting for approval. "Mine" narrows to the signed-in CSM.
/// </summary>
public sealed class SuccessModel : ConsolePage
{
    public sealed record Account(Guid Id, string Name, int? Score, int? Previous, decimal? ChurnRisk, decimal? Confidence, decimal? Arr, string? Signal, string? Severity, string? Csm);
    public sealed record Signal(Guid CustomerId, string Customer, string Type, string Severity, string? Description, DateTime DetectedAt, bool Auto);
    public sealed record Renewal(Guid CustomerId, string Customer, DateOnly Date, decimal? Arr, string Stage, int? Probability, int? Health);
    public sealed record Play(Guid? Id, Guid CustomerId, string Customer, string Status, string? RiskLevel, string? Issue, decimal? ArrAtRisk, DateOnly? Deadline, Guid? ApprovalId);

    public bool Mine { get; private set; }
    public IReadOnlyList<Account> Accounts { get; private set; } = [];
    public IReadOnlyList<Signal> Signals { get; private set; } = [];
    public IReadOnlyList<Renewal> Renewals { get; private set; } = [];
    public IReadOnlyList<Play> Plays { get; private set; } = [];
    public int? AverageHealth { get; private set; }
    public decimal RenewingArr { get; private set; }
    public decimal AtRiskArr { get; private set; }

    public async Task OnGetAsync(string? view)
    {
        Mine = view == "mine";
        await using var s = OpenSession();
        var org = s.OrganizationId;
        // A parameter object belongs to one command: a fresh one per query.
        Npgsql.NpgsqlParameter MineArg() => SqlArg.Uuid(Mine ? Tenant.UserId ?? Guid.Empty : null);
        Accounts = await s.ReadListAsync("""
            SELECT c.id, coalesce(c.company_name, c.name, c.email), c.health_score,
                   (SELECT h.score FROM health_score_history h WHERE h.organization_id = c.organization_id AND h.customer_id = c.id ORDER BY h.recorded_at DESC OFFSET 1 LIMIT 1),
                   c.churn_risk, hs.confidence, c.arr, sig.description, sig.severity, u.name
            FROM customers c
            LEFT JOIN customer_health_scores hs ON hs.organization_id = c.organization_id AND hs.customer_id = c.id
            LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.csm_id
            LEFT JOIN LATERAL (SELECT r.description, r.severity FROM risk_signals r WHERE r.organization_id = c.organization_id AND r.customer_id = c.id AND r.resolved_at IS NULL
                               ORDER BY CASE r.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, r.detected_at DESC LIMIT 1) sig ON true
            WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND coalesce(c.stage, '') <> 'churned' AND ($2::uuid IS NULL OR c.csm_id = $2)
            ORDER BY c.health_score NULLS LAST, c.churn_risk DESC NULLS LAST, c.id
            LIMIT 25
            """, [org, MineArg()], r => new Account(r.GetGuid(0), r.IsDBNull(1) ? "—" : r.GetString(1), I(r, 2), I(r, 3), D(r, 4), D(r, 5), D(r, 6), Str(r, 7), Str(r, 8), Str(r, 9)), Aborted);
        AverageHealth = await s.ReadFirstAsync("""
            SELECT round(avg(health_score))::int FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND coalesce(stage, '') <> 'churned'
              AND ($2::uuid IS NULL OR csm_id = $2)
            """, [org, MineArg()], r => I(r, 0), Aborted);
        Signals = await s.ReadListAsync("""
            SELECT r.customer_id, coalesce(c.company_name, c.name, c.email), r.signal_type, r.severity, r.description, r.detected_at, r.auto_detected
            FROM risk_signals r JOIN customers c ON c.organization_id = r.organization_id AND c.id = r.customer_id AND c.deleted_at IS NULL
            WHERE r.organization_id = $1 AND r.resolved_at IS NULL AND ($2::uuid IS NULL OR c.csm_id = $2)
            ORDER BY CASE r.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, r.detected_at DESC
            LIMIT 20
            """, [org, MineArg()], r => new Signal(r.GetGuid(0), r.IsDBNull(1) ? "—" : r.GetString(1), r.GetString(2), r.GetString(3), Str(r, 4),
                DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc), r.GetBoolean(6)), Aborted);
        Renewals = await s.ReadListAsync("""
            SELECT r.customer_id, coalesce(c.company_name, c.name, c.email), r.renewal_date, r.current_arr, r.stage, r.probability, c.health_score
            FROM renewal_pipeline r JOIN customers c ON c.organization_id = r.organization_id AND c.id = r.customer_id AND c.deleted_at IS NULL
            WHERE r.organization_id = $1 AND r.renewal_date BETWEEN current_date AND current_date + 90 AND r.stage NOT IN ('renewed', 'churned')
              AND ($2::uuid IS NULL OR c.csm_id = $2)
            ORDER BY r.renewal_date, r.id
            LIMIT 20
            """, [org, MineArg()], r => new Renewal(r.GetGuid(0), r.IsDBNull(1) ? "—" : r.GetString(1), r.GetFieldValue<DateOnly>(2), D(r, 3), r.GetString(4), I(r, 5), I(r, 6)), Aborted);
        RenewingArr = Renewals.Sum(r => r.Arr ?? 0);
        AtRiskArr = Renewals.Where(r => r.Probability < 50 || r.Health < 50).Sum(r => r.Arr ?? 0);
        Plays = await s.ReadListAsync("""
            SELECT p.id, p.customer_id, coalesce(c.company_name, c.name, c.email), p.status, p.risk_level, p.primary_issue, p.arr_at_risk, p.deadline, NULL::uuid
            FROM save_plays p JOIN customers c ON c.organization_id = p.organization_id AND c.id = p.customer_id AND c.deleted_at IS NULL
            WHERE p.organization_id = $1 AND p.status IN ('open', 'in_progress') AND ($2::uuid IS NULL OR c.csm_id = $2)
            UNION ALL
            SELECT NULL, c.id, coalesce(c.company_name, c.name, c.email), 'awaiting approval', a.metadata->'save_play'->>'risk_level', a.details,
                   (a.metadata->'save_play'->>'arr_at_risk')::numeric, NULL, a.id
            FROM approvals a JOIN customers c ON c.organization_id = a.organization_id AND c.deleted_at IS NULL AND c.id::text = a.metadata->>'customer_id'
            WHERE a.organization_id = $1 AND a.action = 'save_play' AND a.status = 'pending' AND ($2::uuid IS NULL OR c.csm_id = $2)
            ORDER BY 4, 7 DESC NULLS LAST
            LIMIT 20
            """, [org, MineArg()], r => new Play(r.IsDBNull(0) ? null : r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? "—" : r.GetString(2), r.GetString(3), Str(r, 4), Str(r, 5), D(r, 6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.IsDBNull(8) ? null : r.GetGuid(8)), Aborted);
    }

    private static int? I(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    private static decimal? D(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
    private static string? Str(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>↑ / ↓ / → and its words, from the previous recorded score.</summary>
    public static (string Arrow, string Words) Trend(int? now, int? before) => (now, before) switch
    {
        ({ } n, { } b) when n > b => ("↑", $"up {n - b}"),
        ({ } n, { } b) when n < b => ("↓", $"down {b - n}"),
        ({ }, { }) => ("→", "steady"),
        _ => ("", "new"),
    };

    public static string Severity(string? s) => s switch { "critical" or "high" => "bad", "medium" => "warn", _ => "" };
}
