using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Health;

/// <summary>
/// Everything the health model reads about one customer, aggregated from the real rows in one
/// set-based query (usage_metrics, feature_usage, conversations, invoices, payments,
/// subscriptions, credits, meetings, qbrs, customer_contacts, meeting_analyses). Windows: usage
/// and support 30 days (usage week over week), billing 90 days, engagement one quarter (90 days).
/// </summary>
public sealed class HealthEvidence
{
    public Guid CustomerId { get; set; }
    public string? Name { get; set; }
    public string? Segment { get; set; }
    public string? Stage { get; set; }
    public string? Industry { get; set; }
    public int? NpsScore { get; set; }
    public int? HealthScore { get; set; }
    public decimal? ChurnRisk { get; set; }
    public decimal? Arr { get; set; }
    public decimal? Mrr { get; set; }
    public DateTime? RenewalDate { get; set; }
    public Guid? CsmId { get; set; }
    // usage (30 days)
    public int UsageDays { get; set; }
    public double? Dau7 { get; set; }
    public double? DauPrev7 { get; set; }
    public int? Mau { get; set; }
    public int? Adoption { get; set; }
    public long Logins30 { get; set; }
    public long ApiCalls30 { get; set; }
    public DateTime? LastLogin { get; set; }
    public int UsageDays90 { get; set; }
    public int Features30 { get; set; }
    // support (30 days)
    public int Conversations30 { get; set; }
    public double? Sentiment30 { get; set; }
    public int Escalations30 { get; set; }
    public int Escalations14 { get; set; }
    public double? Csat30 { get; set; }
    public int OpenConversations { get; set; }
    public bool NegativeStreak { get; set; }
    // billing
    public int OverdueInvoices { get; set; }
    public decimal OverdueAmount { get; set; }
    public int MaxDaysOverdue { get; set; }
    public int FailedPayments90 { get; set; }
    public bool FailedUnrecovered { get; set; }
    public bool PastDue { get; set; }
    public int Subscriptions { get; set; }
    public int Invoices { get; set; }
    public decimal Credits90 { get; set; }
    public long SeatsUsed { get; set; }
    public long SeatsTotal { get; set; }
    public decimal? SubscriptionArr { get; set; }
    public DateTime? AnnualPeriodEnd { get; set; }
    /// <summary>The earliest end date of the customer's active contracts still ahead.</summary>
    public DateTime? ContractEnd { get; set; }
    // engagement (90 days)
    public int Meetings90 { get; set; }
    public int Qbrs90 { get; set; }
    public int Contacts { get; set; }
    public bool HasPrimary { get; set; }
    public int PositiveContacts { get; set; }
    public int NegativeContacts { get; set; }
    public bool PrimaryNegative { get; set; }
    public bool PrimaryGone { get; set; }
    public string? PrimaryName { get; set; }
    public string? Competitors { get; set; }

    /// <summary>Week-over-week DAU change in percent (null without both weeks).</summary>
    public double? DauChangePercent => Dau7 is { } now && DauPrev7 is { } before && before > 0 ? Math.Round((now - before) / before * 100, 1) : null;

    /// <summary>The query: @org, @ids (customer ids), @now. One row per live customer among the ids.</summary>
    public const string Sql = """
        SELECT c.id AS customer_id, coalesce(c.company_name, c.name, c.email) AS name, c.segment, c.stage, c.industry, c.nps_score, c.health_score, c.churn_risk,
               c.arr, c.mrr, c.renewal_date::timestamp AS renewal_date, c.csm_id,
               u.usage_days, u.dau7, u.dau_prev7, u.mau, u.adoption, u.logins30, u.api_calls30,
               u.last_login::timestamp AS last_login, u.usage_days90, coalesce(f.features30, 0) AS features30,
               s.conversations30, s.sentiment30, s.escalations30, s.escalations14, s.csat30, s.open_conversations,
               coalesce(streak.negative, false) AS negative_streak,
               b.overdue_invoices, b.overdue_amount, b.max_days_overdue, b.invoices,
               p.failed_payments90, coalesce(p.failed_unrecovered, false) AS failed_unrecovered,
               sub.past_due, sub.subscriptions, sub.seats_used, sub.seats_total, sub.subscription_arr, sub.annual_period_end,
               cr.credits90,
               e.meetings90, q.qbrs90,
               k.contacts, k.has_primary, k.positive_contacts, k.negative_contacts, k.primary_negative, k.primary_name,
               (NOT k.has_primary AND k.primary_deleted) AS primary_gone,
               ma.competitors, ck.contract_end::timestamp AS contract_end
        FROM customers c
        CROSS JOIN LATERAL (
          -- One pass over the 90 days (the 30-day figures are filters of it). The latest MAU and
          -- adoption: the max of [day, value] pairs, which needs no sort.
          SELECT count(*) FILTER (WHERE m.metric_date > @now::date - 30)::int AS usage_days,
                 avg(m.dau) FILTER (WHERE m.metric_date > @now::date - 7)::float8 AS dau7,
                 avg(m.dau) FILTER (WHERE m.metric_date <= @now::date - 7 AND m.metric_date > @now::date - 14)::float8 AS dau_prev7,
                 (max(ARRAY[m.metric_date - DATE '2000-01-01', m.mau]) FILTER (WHERE m.mau IS NOT NULL AND m.metric_date > @now::date - 30))[2] AS mau,
                 (max(ARRAY[m.metric_date - DATE '2000-01-01', m.adoption_score]) FILTER (WHERE m.adoption_score IS NOT NULL AND m.metric_date > @now::date - 30))[2] AS adoption,
                 coalesce(sum(m.login_count) FILTER (WHERE m.metric_date > @now::date - 30), 0)::bigint AS logins30,
                 coalesce(sum(m.api_calls) FILTER (WHERE m.metric_date > @now::date - 30), 0)::bigint AS api_calls30,
                 max(m.metric_date) FILTER (WHERE m.login_count > 0 OR m.dau > 0) AS last_login, count(*)::int AS usage_days90
          FROM usage_metrics m
          WHERE m.organization_id = c.organization_id AND m.customer_id = c.id AND m.metric_date > @now::date - 90 AND m.metric_date <= @now::date) u
        LEFT JOIN LATERAL (
          SELECT count(DISTINCT fu.feature_name)::int AS features30 FROM feature_usage fu
          WHERE fu.organization_id = c.organization_id AND fu.customer_id = c.id AND fu.date > @now::date - 30 AND fu.deleted_at IS NULL AND fu.usage_count > 0) f ON true
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS conversations30, avg(v.sentiment_avg)::float8 AS sentiment30,
                 count(*) FILTER (WHERE v.status = 'escalated')::int AS escalations30,
                 count(*) FILTER (WHERE v.status = 'escalated' AND coalesce(v.last_activity_at, v.started_at) > @now - interval '14 days')::int AS escalations14,
                 avg(v.csat_score)::float8 AS csat30,
                 count(*) FILTER (WHERE v.status IN ('active', 'escalated'))::int AS open_conversations
          FROM conversations v
          WHERE v.organization_id = c.organization_id AND v.customer_id = c.id AND v.deleted_at IS NULL
            AND coalesce(v.last_message_at, v.started_at) > @now - interval '30 days') s
        LEFT JOIN LATERAL (
          SELECT count(*) = 3 AND bool_and(x.sentiment_avg <= -0.3) AS negative FROM (
            SELECT v.sentiment_avg FROM conversations v
            WHERE v.organization_id = c.organization_id AND v.customer_id = c.id AND v.deleted_at IS NULL AND v.sentiment_avg IS NOT NULL
              AND v.started_at > @now - interval '30 days'
            ORDER BY v.started_at DESC LIMIT 3) x) streak ON true
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE i.status IN ('open', 'uncollectible') AND i.due_at < @now)::int AS overdue_invoices,
                 coalesce(sum(i.amount - i.amount_paid) FILTER (WHERE i.status IN ('open', 'uncollectible') AND i.due_at < @now), 0) AS overdue_amount,
                 coalesce(max(floor(extract(epoch FROM @now - i.due_at) / 86400)) FILTER (WHERE i.status IN ('open', 'uncollectible') AND i.due_at < @now), 0)::int AS max_days_overdue,
                 count(*)::int AS invoices
          FROM invoices i WHERE i.organization_id = c.organization_id AND i.customer_id = c.id AND i.deleted_at IS NULL AND i.status <> 'draft') b
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE y.status = 'failed' AND coalesce(y.processed_at, y.created_at) > @now - interval '90 days')::int AS failed_payments90,
                 max(coalesce(y.processed_at, y.created_at)) FILTER (WHERE y.status = 'failed' AND coalesce(y.processed_at, y.created_at) > @now - interval '30 days')
                   > coalesce(max(coalesce(y.processed_at, y.created_at)) FILTER (WHERE y.status = 'succeeded'), '-infinity') AS failed_unrecovered
          FROM payments y WHERE y.organization_id = c.organization_id AND y.customer_id = c.id AND y.deleted_at IS NULL) p
        CROSS JOIN LATERAL (
          SELECT coalesce(bool_or(x.status IN ('past_due', 'unpaid')), false) AS past_due, count(*)::int AS subscriptions,
                 coalesce(sum(x.seats_used) FILTER (WHERE x.status IN ('active', 'trialing', 'past_due')), 0)::bigint AS seats_used,
                 coalesce(sum(x.seats_total) FILTER (WHERE x.status IN ('active', 'trialing', 'past_due')), 0)::bigint AS seats_total,
                 sum(x.arr) FILTER (WHERE x.status IN ('active', 'trialing', 'past_due')) AS subscription_arr,
                 max(x.current_period_end) FILTER (WHERE x.billing_cycle = 'annual' AND x.status IN ('active', 'past_due') AND NOT x.cancel_at_period_end)::timestamp AS annual_period_end
          FROM subscriptions x WHERE x.organization_id = c.organization_id AND x.customer_id = c.id AND x.deleted_at IS NULL AND x.status <> 'canceled') sub
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(g.amount), 0) AS credits90 FROM credits g
          WHERE g.organization_id = c.organization_id AND g.customer_id = c.id AND g.deleted_at IS NULL AND g.status <> 'canceled'
            AND g.created_at > @now - interval '90 days') cr
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS meetings90 FROM meetings mt
          WHERE mt.organization_id = c.organization_id AND mt.customer_id = c.id AND mt.status <> 'cancelled'
            AND mt.scheduled_at > @now - interval '90 days' AND mt.scheduled_at <= @now) e
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS qbrs90 FROM qbrs qq
          WHERE qq.organization_id = c.organization_id AND qq.customer_id = c.id AND qq.status = 'completed'
            AND qq.completed_date > @now::date - 90) q
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE k.deleted_at IS NULL)::int AS contacts,
                 coalesce(bool_or(k.is_primary AND k.deleted_at IS NULL), false) AS has_primary,
                 coalesce(bool_or(k.is_primary AND k.deleted_at IS NOT NULL), false) AS primary_deleted,
                 count(*) FILTER (WHERE k.deleted_at IS NULL AND lower(k.sentiment) IN ('positive', 'very_positive', 'promoter', 'champion'))::int AS positive_contacts,
                 count(*) FILTER (WHERE k.deleted_at IS NULL AND lower(k.sentiment) IN ('negative', 'very_negative', 'detractor', 'unhappy'))::int AS negative_contacts,
                 coalesce(bool_or(k.is_primary AND k.deleted_at IS NULL AND lower(k.sentiment) IN ('negative', 'very_negative', 'detractor', 'unhappy')), false) AS primary_negative,
                 (array_agg(coalesce(k.name, k.email)) FILTER (WHERE k.is_primary AND k.deleted_at IS NULL))[1] AS primary_name
          FROM customer_contacts k WHERE k.organization_id = c.organization_id AND k.customer_id = c.id) k
        LEFT JOIN LATERAL (
          SELECT string_agg(DISTINCT coalesce(cm->>'name', cm #>> '{}'), ', ') AS competitors
          FROM meeting_analyses a CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.competitor_mentions) = 'array' THEN a.competitor_mentions ELSE '[]' END) cm
          WHERE a.organization_id = c.organization_id AND a.customer_id = c.id AND a.analyzed_at > @now - interval '90 days') ma ON true
        LEFT JOIN LATERAL (
          SELECT min(k.end_date) AS contract_end FROM contracts k
          WHERE k.organization_id = c.organization_id AND k.customer_id = c.id AND k.status = 'active' AND k.end_date >= @now::date) ck ON true
        WHERE c.organization_id = @org AND c.id = ANY(@ids) AND c.deleted_at IS NULL
        """;

    public static async Task<List<HealthEvidence>> ReadAsync(TenantSession s, IReadOnlyCollection<Guid> customers, DateTime now, CancellationToken ct)
    {
        // For the rest of this transaction: no JIT (a chunk's nested loops are estimated past
        // jit_above_cost, and compiling the plan took ~250 ms of a ~500 ms query, bench/health), and
        // the generic plan once Npgsql has prepared the statement (planning these fourteen laterals
        // anew cost ~8 ms per single-customer recompute, a third of PostgreSQL's time per message in
        // bench/pipeline; the plan is the same nested loop of index probes for one id or a thousand).
        await s.ExecuteAsync("SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_generic_plan", [], ct);
        var rows = (await SessionSql.QueryAsync<HealthEvidence>(s, Sql, new { org = s.OrganizationId, ids = customers.ToArray(), now = DateTime.SpecifyKind(now, DateTimeKind.Utc) }, ct)).ToList();
        // Only this query: a generic plan is kept until the table is analyzed, and the writes that follow
        // would keep plans made while their tables were still empty. In a first sweep the stale-segment
        // UPDATE kept a plan that filtered all of the organization's segments against the 1,000 ids
        // (bench health 20,000, steady sweep: 221 ms per 1,000 customers).
        await s.ExecuteAsync("SET LOCAL plan_cache_mode TO DEFAULT", [], ct);
        return rows;
    }
}
