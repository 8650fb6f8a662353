using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Qbrs;

/// <summary>
/// The numbers of one account over a QBR's period (and the period before, for the trend), read
/// in one statement from the rows: health, usage, conversations, invoices and payments, meetings,
/// open risk signals, open expansion and the next renewal.
/// </summary>
public sealed class QbrFacts
{
    public string Name { get; set; } = "";
    public string? Plan { get; set; }
    public decimal? Arr { get; set; }
    public int? NpsScore { get; set; }
    public int? HealthNow { get; set; }
    public int? HealthAtStart { get; set; }
    public int? HealthMin { get; set; }
    public int? HealthMax { get; set; }
    public double? DauAvg { get; set; }
    public double? DauAvgBefore { get; set; }
    public int? MauLatest { get; set; }
    public long Logins { get; set; }
    public long ApiCalls { get; set; }
    public int? Adoption { get; set; }
    public int FeaturesUsed { get; set; }
    public int Conversations { get; set; }
    public int ConversationsResolved { get; set; }
    public int Escalations { get; set; }
    public double? Sentiment { get; set; }
    public double? Csat { get; set; }
    public int OpenConversations { get; set; }
    public int InvoicesIssued { get; set; }
    public decimal AmountInvoiced { get; set; }
    public decimal AmountPaid { get; set; }
    public int OverdueInvoices { get; set; }
    public decimal OverdueAmount { get; set; }
    public int FailedPayments { get; set; }
    public int Meetings { get; set; }
    public DateTime? RenewalDate { get; set; }
    public decimal? RenewalArr { get; set; }
    public int? RenewalProbability { get; set; }

    public const string Sql = """
        SELECT coalesce(c.company_name, c.name, c.email) AS name, c.plan, c.arr, c.nps_score, c.health_score AS health_now,
          (SELECT h.score FROM health_score_history h WHERE h.organization_id = c.organization_id AND h.customer_id = c.id AND h.recorded_at < @start
           ORDER BY h.recorded_at DESC LIMIT 1) AS health_at_start,
          (SELECT min(h.score) FROM health_score_history h WHERE h.organization_id = c.organization_id AND h.customer_id = c.id AND h.recorded_at >= @start AND h.recorded_at < @end) AS health_min,
          (SELECT max(h.score) FROM health_score_history h WHERE h.organization_id = c.organization_id AND h.customer_id = c.id AND h.recorded_at >= @start AND h.recorded_at < @end) AS health_max,
          u.dau_avg, u.dau_avg_before, u.mau_latest, u.logins, u.api_calls, u.adoption,
          (SELECT count(DISTINCT fu.feature_name)::int FROM feature_usage fu WHERE fu.organization_id = c.organization_id AND fu.customer_id = c.id AND fu.deleted_at IS NULL
             AND fu.usage_count > 0 AND fu.date >= @start::date AND fu.date < @end::date) AS features_used,
          v.conversations, v.conversations_resolved, v.escalations, v.sentiment, v.csat,
          (SELECT count(*)::int FROM conversations o WHERE o.organization_id = c.organization_id AND o.customer_id = c.id AND o.deleted_at IS NULL AND o.status IN ('active', 'escalated')) AS open_conversations,
          i.invoices_issued, i.amount_invoiced, i.amount_paid,
          (SELECT count(*)::int FROM invoices x WHERE x.organization_id = c.organization_id AND x.customer_id = c.id AND x.deleted_at IS NULL AND x.status IN ('open', 'uncollectible') AND x.due_at < now()) AS overdue_invoices,
          (SELECT coalesce(sum(x.amount - x.amount_paid), 0) FROM invoices x WHERE x.organization_id = c.organization_id AND x.customer_id = c.id AND x.deleted_at IS NULL AND x.status IN ('open', 'uncollectible') AND x.due_at < now()) AS overdue_amount,
          (SELECT count(*)::int FROM payments y WHERE y.organization_id = c.organization_id AND y.customer_id = c.id AND y.deleted_at IS NULL AND y.status = 'failed'
             AND coalesce(y.processed_at, y.created_at) >= @start AND coalesce(y.processed_at, y.created_at) < @end) AS failed_payments,
          (SELECT count(*)::int FROM meetings m WHERE m.organization_id = c.organization_id AND m.customer_id = c.id AND m.status <> 'cancelled' AND m.scheduled_at >= @start AND m.scheduled_at < @end) AS meetings,
          r.renewal_date::timestamp AS renewal_date, r.current_arr AS renewal_arr, r.probability AS renewal_probability
        FROM customers c
        CROSS JOIN LATERAL (
          SELECT avg(m.dau) FILTER (WHERE m.metric_date >= @start::date)::float8 AS dau_avg,
                 avg(m.dau) FILTER (WHERE m.metric_date < @start::date)::float8 AS dau_avg_before,
                 (array_agg(m.mau ORDER BY m.metric_date DESC) FILTER (WHERE m.mau IS NOT NULL AND m.metric_date >= @start::date))[1] AS mau_latest,
                 coalesce(sum(m.login_count) FILTER (WHERE m.metric_date >= @start::date), 0)::bigint AS logins,
                 coalesce(sum(m.api_calls) FILTER (WHERE m.metric_date >= @start::date), 0)::bigint AS api_calls,
                 (array_agg(m.adoption_score ORDER BY m.metric_date DESC) FILTER (WHERE m.adoption_score IS NOT NULL AND m.metric_date >= @start::date))[1] AS adoption
          FROM usage_metrics m WHERE m.organization_id = c.organization_id AND m.customer_id = c.id AND m.metric_date >= @before::date AND m.metric_date < @end::date) u
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS conversations, count(*) FILTER (WHERE v.status = 'resolved')::int AS conversations_resolved,
                 count(*) FILTER (WHERE v.status = 'escalated')::int AS escalations,
                 avg(v.sentiment_avg)::float8 AS sentiment, avg(v.csat_score)::float8 AS csat
          FROM conversations v WHERE v.organization_id = c.organization_id AND v.customer_id = c.id AND v.deleted_at IS NULL AND v.started_at >= @start AND v.started_at < @end) v
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS invoices_issued, coalesce(sum(x.amount), 0) AS amount_invoiced, coalesce(sum(x.amount_paid), 0) AS amount_paid
          FROM invoices x WHERE x.organization_id = c.organization_id AND x.customer_id = c.id AND x.deleted_at IS NULL AND x.status NOT IN ('draft', 'void')
            AND coalesce(x.issued_at, x.created_at) >= @start AND coalesce(x.issued_at, x.created_at) < @end) i
        LEFT JOIN LATERAL (
          SELECT p.renewal_date, p.current_arr, p.probability FROM renewal_pipeline p
          WHERE p.organization_id = c.organization_id AND p.customer_id = c.id AND p.stage NOT IN ('renewed', 'churned') AND p.renewal_date >= current_date
          ORDER BY p.renewal_date LIMIT 1) r ON true
        WHERE c.organization_id = @org AND c.id = @id AND c.deleted_at IS NULL
        """;

    public static Task<QbrFacts?> ReadAsync(TenantSession s, Guid customer, DateTime start, DateTime end, CancellationToken ct) =>
        s.QueryFirstOrDefaultAsync<QbrFacts>(Sql, new
        {
            org = s.OrganizationId, id = customer, start = DateTime.SpecifyKind(start, DateTimeKind.Utc), end = DateTime.SpecifyKind(end, DateTimeKind.Utc),
            before = DateTime.SpecifyKind(start - (end - start), DateTimeKind.Utc),
        }, ct);
}
