using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// Gathers a customer's brief with a handful of small SQL queries in the caller's tenant session
/// (RLS keeps them inside the tenant; every query also names the organization for its indexes).
/// Lists are capped so the brief stays a few kilobytes whatever the customer's history.
/// </summary>
public sealed class CustomerBriefReader(TimeProvider clock)
{
    /// <summary>The brief, or null when the customer does not exist (or is deleted).</summary>
    public async Task<CustomerBrief?> ReadAsync(TenantSession s, Guid customerId, Guid? requesterId, string? timeZone, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var q = new Query(s, customerId, now);
        var customer = await CustomerAsync(q, ct);
        if (customer is null) return null;
        return new CustomerBrief(now, customer, await HealthAsync(q, customer.HealthScore, ct), await UsageAsync(q, ct), await BillingAsync(q, ct),
            await ConversationsAsync(q, ct), await StakeholdersAsync(q, ct), await RenewalAsync(q, ct), await ContractAsync(q, ct), await ExpansionAsync(q, ct),
            timeZone, requesterId is { } r ? await UserNameAsync(s, r, ct) : null);
    }

    private static async Task<string?> UserNameAsync(TenantSession s, Guid userId, CancellationToken ct)
    {
        return await s.ExecuteScalarAsync("SELECT nullif(name, '') FROM users WHERE organization_id = $1 AND id = $2", [s.OrganizationId, userId], ct) as string;
    }

    /// <summary>$1 organization, $2 customer, $3 now. Days are UTC days, whatever the server's time zone.</summary>
    private sealed record Query(TenantSession Session, Guid CustomerId, DateTimeOffset Now)
    {
        public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

        public Task<NpgsqlDataReader> RunAsync(string sql, CancellationToken ct) =>
            Session.ReaderAsync(sql, [Session.OrganizationId, CustomerId, Now.UtcDateTime], ct);
    }

    private static async Task<BriefCustomer?> CustomerAsync(Query q, CancellationToken ct)
    {
        await using var r = await q.RunAsync("""
            SELECT c.id, coalesce(nullif(c.company_name, ''), nullif(c.name, ''), c.email), c.email, c.plan, c.stage, c.segment, c.industry,
                   c.mrr, c.arr, c.health_score, c.churn_risk, c.nps_score, c.renewal_date, u.name
            FROM customers c LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.csm_id
            WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL AND $3::timestamptz IS NOT NULL
            """, ct);
        if (!await r.ReadAsync(ct)) return null;
        return new BriefCustomer(r.GetGuid(0), r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4), Str(r, 5), Str(r, 6), Dec(r, 7), Dec(r, 8), Int(r, 9),
            Dec(r, 10), Int(r, 11), r.IsDBNull(12) ? null : r.GetFieldValue<DateOnly>(12), Str(r, 13));
    }

    private static async Task<BriefHealth> HealthAsync(Query q, int? score, CancellationToken ct)
    {
        var history = new List<BriefScorePoint>();
        await using (var r = await q.RunAsync("""
            SELECT recorded_at, score FROM health_score_history
            WHERE organization_id = $1 AND customer_id = $2 AND recorded_at > $3 - interval '180 days' AND recorded_at <= $3
            ORDER BY recorded_at DESC LIMIT 8
            """, ct))
            while (await r.ReadAsync(ct)) history.Add(new BriefScorePoint(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetInt32(1)));
        int? before = null;
        await using (var r = await q.RunAsync("""
            SELECT score FROM health_score_history
            WHERE organization_id = $1 AND customer_id = $2 AND recorded_at <= $3 - interval '30 days'
            ORDER BY recorded_at DESC LIMIT 1
            """, ct))
            if (await r.ReadAsync(ct)) before = r.GetInt32(0);
        var signals = new List<BriefRiskSignal>();
        await using (var r = await q.RunAsync("""
            SELECT signal_type, severity, description, detected_at FROM risk_signals
            WHERE organization_id = $1 AND customer_id = $2 AND resolved_at IS NULL AND detected_at <= $3
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, detected_at DESC LIMIT 5
            """, ct))
            while (await r.ReadAsync(ct)) signals.Add(new BriefRiskSignal(r.GetString(0), r.GetString(1), Str(r, 2), DateOnly.FromDateTime(r.GetDateTime(3))));
        // Without a current score on the customer, the latest recorded one stands in.
        return new BriefHealth(score ?? history.FirstOrDefault()?.Score, before, history, signals);
    }

    private static async Task<BriefUsage> UsageAsync(Query q, CancellationToken ct)
    {
        DateOnly? date = null;
        int? dau = null, wau = null, mau = null, adoption = null, mauBefore = null;
        string? trend = null;
        await using (var r = await q.RunAsync("""
            SELECT m.metric_date, m.dau, m.wau, m.mau, m.adoption_score, m.usage_trend,
                   (SELECT p.mau FROM usage_metrics p WHERE p.organization_id = m.organization_id AND p.customer_id = m.customer_id
                      AND p.metric_date <= m.metric_date - 30 ORDER BY p.metric_date DESC LIMIT 1)
            FROM usage_metrics m WHERE m.organization_id = $1 AND m.customer_id = $2 AND m.metric_date <= ($3 AT TIME ZONE 'UTC')::date
            ORDER BY m.metric_date DESC LIMIT 1
            """, ct))
            if (await r.ReadAsync(ct))
            {
                date = r.GetFieldValue<DateOnly>(0);
                (dau, wau, mau, adoption, trend, mauBefore) = (Int(r, 1), Int(r, 2), Int(r, 3), Int(r, 4), Str(r, 5), Int(r, 6));
            }
        int recent = 0, prior = 0;
        await using (var r = await q.RunAsync("""
            SELECT count(*) FILTER (WHERE "timestamp" > $3 - interval '30 days')::int, count(*) FILTER (WHERE "timestamp" <= $3 - interval '30 days')::int
            FROM usage_events WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL
              AND "timestamp" > $3 - interval '60 days' AND "timestamp" <= $3
            """, ct))
            if (await r.ReadAsync(ct)) (recent, prior) = (r.GetInt32(0), r.GetInt32(1));
        var top = new List<BriefFeature>();
        var idle = new List<string>();
        await using (var r = await q.RunAsync("""
            SELECT feature_name, sum(usage_count) FILTER (WHERE date > ($3 AT TIME ZONE 'UTC')::date - 30)::int AS recent
            FROM feature_usage WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND date > ($3 AT TIME ZONE 'UTC')::date - 90 AND date <= ($3 AT TIME ZONE 'UTC')::date
            GROUP BY feature_name ORDER BY recent DESC NULLS LAST, feature_name LIMIT 12
            """, ct))
            while (await r.ReadAsync(ct))
            {
                var uses = Int(r, 1) ?? 0;
                if (uses > 0) { if (top.Count < 5) top.Add(new BriefFeature(r.GetString(0), uses)); }
                else if (idle.Count < 5) idle.Add(r.GetString(0));
            }
        return new BriefUsage(date, dau, wau, mau, mauBefore, adoption, trend, recent, prior, top, idle);
    }

    private static async Task<BriefBilling> BillingAsync(Query q, CancellationToken ct)
    {
        BriefSubscription? sub = null;
        await using (var r = await q.RunAsync("""
            SELECT plan, status, billing_cycle, mrr, seats_used, seats_total, current_period_end, cancel_at_period_end FROM subscriptions
            WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND created_at <= $3
            ORDER BY (status IN ('active', 'past_due', 'trialing', 'unpaid')) DESC, created_at DESC LIMIT 1
            """, ct))
            if (await r.ReadAsync(ct))
                sub = new BriefSubscription(r.GetString(0), r.GetString(1), r.GetString(2), Dec(r, 3), r.GetInt32(4), r.GetInt32(5),
                    r.IsDBNull(6) ? null : DateOnly.FromDateTime(r.GetDateTime(6)), r.GetBoolean(7));
        var currency = "USD";
        int open = 0, overdue = 0;
        decimal openAmount = 0, overdueAmount = 0;
        var overdueList = new List<BriefInvoice>();
        await using (var r = await q.RunAsync("""
            SELECT invoice_number, amount, currency, due_at, greatest(0, (($3 AT TIME ZONE 'UTC')::date - (due_at AT TIME ZONE 'UTC')::date))::int, (due_at IS NOT NULL AND due_at < $3)
            FROM invoices WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND status = 'open'
            ORDER BY due_at NULLS LAST LIMIT 100
            """, ct))
            while (await r.ReadAsync(ct))
            {
                var amount = r.GetDecimal(1);
                currency = r.GetString(2);
                open++;
                openAmount += amount;
                if (!r.GetBoolean(5)) continue;
                overdue++;
                overdueAmount += amount;
                if (overdueList.Count < 5)
                    overdueList.Add(new BriefInvoice(Str(r, 0), amount, DateOnly.FromDateTime(r.GetDateTime(3)), r.GetInt32(4)));
            }
        BriefPayment? last = null;
        var failed = 0;
        await using (var r = await q.RunAsync("""
            SELECT amount, status, coalesce(processed_at, created_at),
                   (SELECT count(*)::int FROM payments f WHERE f.organization_id = $1 AND f.customer_id = $2 AND f.deleted_at IS NULL
                      AND f.status = 'failed' AND coalesce(f.processed_at, f.created_at) > $3 - interval '90 days')
            FROM payments WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL
            ORDER BY coalesce(processed_at, created_at) DESC LIMIT 1
            """, ct))
            if (await r.ReadAsync(ct))
            {
                last = new BriefPayment(r.GetDecimal(0), r.GetString(1), DateOnly.FromDateTime(r.GetDateTime(2)));
                failed = r.GetInt32(3);
            }
        decimal credits = 0;
        await using (var r = await q.RunAsync("""
            SELECT coalesce(sum(amount - used_amount), 0) FROM credits
            WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND status = 'active' AND (expires_at IS NULL OR expires_at > $3)
            """, ct))
            if (await r.ReadAsync(ct)) credits = r.GetDecimal(0);
        return new BriefBilling(currency, sub, open, openAmount, overdue, overdueAmount, overdueList.Count > 0 ? overdueList.Max(i => i.DaysOverdue) : null,
            overdueList, last, failed, credits);
    }

    private static async Task<BriefConversations> ConversationsAsync(Query q, CancellationToken ct)
    {
        int recent = 0, open = 0, escalated = 0;
        double? sentiment = null;
        await using (var r = await q.RunAsync("""
            SELECT count(*) FILTER (WHERE started_at > $3 - interval '30 days')::int,
                   count(*) FILTER (WHERE is_active)::int,
                   count(*) FILTER (WHERE status = 'escalated' AND started_at > $3 - interval '90 days')::int,
                   avg(sentiment_avg) FILTER (WHERE started_at > $3 - interval '90 days')
            FROM conversations WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND started_at <= $3
            """, ct))
            if (await r.ReadAsync(ct))
                (recent, open, escalated, sentiment) = (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.IsDBNull(3) ? null : Math.Round(r.GetDouble(3), 2));
        var list = new List<BriefConversation>();
        await using (var r = await q.RunAsync("""
            SELECT coalesce(last_message_at, started_at), status, channel, primary_intent, emotion, sentiment_avg, extra_metadata->>'subject'
            FROM conversations WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL AND started_at <= $3
            ORDER BY coalesce(last_message_at, started_at) DESC LIMIT 3
            """, ct))
            while (await r.ReadAsync(ct))
                list.Add(new BriefConversation(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4),
                    r.IsDBNull(5) ? null : Math.Round(r.GetDouble(5), 2), Str(r, 6)));
        return new BriefConversations(recent, open, escalated, sentiment, list);
    }

    private static async Task<IReadOnlyList<BriefContact>> StakeholdersAsync(Query q, CancellationToken ct)
    {
        var list = new List<BriefContact>();
        // People who left in the last half year stay in the brief: "the champion left" is news.
        await using var r = await q.RunAsync("""
            SELECT cc.id, cc.name, cc.email, cc.title, cc.role, cc.is_primary, cc.sentiment,
                   (cc.deleted_at IS NOT NULL OR lower(coalesce(cc.extra_metadata->>'status', '')) IN ('left', 'departed', 'former')) AS gone,
                   (EXISTS (SELECT 1 FROM expansion_opportunities e WHERE e.organization_id = cc.organization_id AND e.champion_id = cc.id)
                    OR lower(coalesce(cc.extra_metadata->>'champion', '')) = 'true'
                    OR coalesce(cc.title, '') ILIKE '%champion%' OR coalesce(cc.notes, '') ILIKE '%champion%') AS champion
            FROM customer_contacts cc
            WHERE cc.organization_id = $1 AND cc.customer_id = $2 AND (cc.deleted_at IS NULL OR cc.deleted_at > $3 - interval '180 days')
            ORDER BY gone, cc.is_primary DESC, champion DESC, cc.name NULLS LAST LIMIT 10
            """, ct);
        while (await r.ReadAsync(ct))
            list.Add(new BriefContact(r.GetGuid(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4), r.GetBoolean(5), r.GetBoolean(8), Str(r, 6), r.GetBoolean(7)));
        return list;
    }

    private static async Task<BriefRenewal?> RenewalAsync(Query q, CancellationToken ct)
    {
        await using var r = await q.RunAsync("""
            SELECT renewal_date, (renewal_date - ($3 AT TIME ZONE 'UTC')::date)::int, stage, probability, current_arr, proposed_arr, risk_factors::text,
                   champion_engaged, exec_sponsor_engaged, qbr_completed, proposal_sent, verbal_commit, contract_signed
            FROM renewal_pipeline WHERE organization_id = $1 AND customer_id = $2
            ORDER BY (stage NOT IN ('renewed', 'churned')) DESC, renewal_date LIMIT 1
            """, ct);
        if (!await r.ReadAsync(ct)) return null;
        return new BriefRenewal(r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetString(2), Int(r, 3), Dec(r, 4), Dec(r, 5), Factors(r.GetString(6)),
            r.GetBoolean(7), r.GetBoolean(8), r.GetBoolean(9), r.GetBoolean(10), r.GetBoolean(11), r.GetBoolean(12));
    }

    private static async Task<BriefContract?> ContractAsync(Query q, CancellationToken ct)
    {
        await using var r = await q.RunAsync("""
            SELECT status, start_date, end_date, arr, contract_term FROM contracts
            WHERE organization_id = $1 AND customer_id = $2 AND created_at <= $3
            ORDER BY (status = 'active') DESC, end_date DESC NULLS LAST LIMIT 1
            """, ct);
        if (!await r.ReadAsync(ct)) return null;
        return new BriefContract(r.GetString(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2),
            Dec(r, 3), Str(r, 4));
    }

    private static async Task<IReadOnlyList<BriefExpansion>> ExpansionAsync(Query q, CancellationToken ct)
    {
        var list = new List<BriefExpansion>();
        await using var r = await q.RunAsync("""
            SELECT e.opportunity_type, e.product_line, e.estimated_value, e.probability, e.stage, e.timeline, cc.name
            FROM expansion_opportunities e
            LEFT JOIN customer_contacts cc ON cc.organization_id = e.organization_id AND cc.id = e.champion_id
            WHERE e.organization_id = $1 AND e.customer_id = $2 AND e.stage NOT IN ('closed_won', 'closed_lost') AND e.created_at <= $3
            ORDER BY e.estimated_value DESC NULLS LAST LIMIT 5
            """, ct);
        while (await r.ReadAsync(ct))
            list.Add(new BriefExpansion(r.GetString(0), Str(r, 1), Dec(r, 2), Int(r, 3), r.GetString(4), Str(r, 5), Str(r, 6)));
        return list;
    }

    /// <summary>risk_factors is a JSON array of strings or of objects naming the factor.</summary>
    internal static IReadOnlyList<string> Factors(string json)
    {
        if (JsonNode.Parse(json) is not JsonArray array) return [];
        var list = new List<string>();
        foreach (var item in array.Take(6))
        {
            var text = item switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonObject o => new[] { "factor", "name", "description", "type", "reason" }
                    .Select(k => o[k] is JsonValue kv && kv.TryGetValue<string>(out var t) ? t : null).FirstOrDefault(t => t is not null) ?? o.ToJsonString(),
                null => null,
                _ => item.ToJsonString(),
            };
            if (!string.IsNullOrWhiteSpace(text)) list.Add(text.Trim());
        }
        return list;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static int? Int(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    private static decimal? Dec(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
}
