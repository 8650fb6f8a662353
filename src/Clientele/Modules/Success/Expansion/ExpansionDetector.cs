using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Success.Expansion;

/// <summary>
/// Detects expansion (issue 11 item 4) at every health computation, from the same rows: seats used
/// at 90% or more of the active subscription's seats on each of the last 14 days (usage_metrics'
/// active_users), and daily active users up 30% or more over the last 30 days against the 30 before.
/// Each cause creates one opportunity (a partial unique index: one open per customer and cause; not
/// again within 180 days of the last one, so a CSM's "lost" stays lost), valued from the billing plan
/// catalogue when the plan is in it. A meeting analysis of the last 30 days with medium or high
/// expansion potential (more seats, another team, an upgrade said out loud) is the third cause. The
/// fourth: a feature used in the last 30 days (feature_usage) that the customer's plan does not
/// include (plans.included_features, when the catalogue lists them), valued as the upgrade to the
/// cheapest plan that includes every such feature.
/// </summary>
public static class ExpansionDetector
{
    public const double SeatUtilization = 0.9;
    public const int SeatDays = 14;
    public const double UsageGrowthPercent = 30;
    public const int CooldownDays = 180;
    public const int FeatureDays = 30;
    private static readonly string[] PlanOrder = ["free", "basic", "premium", "enterprise"];

    /// <summary>The facts one customer's detection reads (one row per customer).</summary>
    public sealed class Facts
    {
        public Guid CustomerId { get; set; }
        public Guid? CsmId { get; set; }
        public string? Plan { get; set; }
        public string? BillingCycle { get; set; }
        public int SeatsTotal { get; set; }
        public int SeatsUsed { get; set; }
        public decimal? SubscriptionArr { get; set; }
        public int SeatDaysMeasured { get; set; }
        public int? MinActive14 { get; set; }
        public int DauDaysRecent { get; set; }
        public int DauDaysBefore { get; set; }
        public double? DauRecent { get; set; }
        public double? DauBefore { get; set; }
        public decimal? PricePerSeat { get; set; }
        public decimal? BasePrice { get; set; }
        public string? NextPlan { get; set; }
        public string? NextPlanName { get; set; }
        public decimal? NextBasePrice { get; set; }
        public decimal? NextPricePerSeat { get; set; }
        public Guid? MeetingAnalysisId { get; set; }
        public Guid? MeetingId { get; set; }
        public DateTime? MeetingAnalyzedAt { get; set; }
        public string? MeetingSignals { get; set; }
        /// <summary>Features used in the last 30 days that the plan does not include, comma-separated (null when the plan lists no features).</summary>
        public string? FeaturesBeyond { get; set; }
        public int? FeatureUses { get; set; }
        public string? FeaturePlan { get; set; }
        public string? FeaturePlanName { get; set; }
        public decimal? FeaturePlanBasePrice { get; set; }
        public decimal? FeaturePlanPricePerSeat { get; set; }
    }

    /// <summary>An opportunity the rules found.</summary>
    public sealed record Found(Guid CustomerId, string Cause, string Type, string? ProductLine, decimal? Value, int Probability, string UseCase, string NextSteps, JsonObject Evidence);

    private const string Sql = """
        SELECT c.id AS customer_id, c.csm_id, s.plan, s.billing_cycle, coalesce(s.seats_total, 0) AS seats_total, coalesce(s.seats_used, 0) AS seats_used,
               s.arr AS subscription_arr, w.seat_days_measured, w.min_active14,
               w.dau_days_recent, w.dau_days_before, w.dau_recent, w.dau_before,
               p.price_per_seat, p.base_price, nx.code AS next_plan, nx.name AS next_plan_name, nx.base_price AS next_base_price, nx.price_per_seat AS next_price_per_seat,
               ms.id AS meeting_analysis_id, ms.meeting_id, ms.analyzed_at AS meeting_analyzed_at, ms.signals AS meeting_signals,
               fb.names AS features_beyond, fb.uses AS feature_uses, fp.code AS feature_plan, fp.name AS feature_plan_name,
               fp.base_price AS feature_plan_base_price, fp.price_per_seat AS feature_plan_price_per_seat
        FROM customers c
        LEFT JOIN LATERAL (
          SELECT x.plan, x.billing_cycle, x.seats_total, x.seats_used, x.arr FROM subscriptions x
          WHERE x.organization_id = c.organization_id AND x.customer_id = c.id AND x.deleted_at IS NULL AND x.status IN ('active', 'trialing', 'past_due')
          ORDER BY x.arr DESC NULLS LAST, x.id LIMIT 1) s ON true
        CROSS JOIN LATERAL (
          -- One pass over the 60 days: the seat window (14 days) and the two DAU halves are filters of it.
          SELECT count(*) FILTER (WHERE m.active_users IS NOT NULL AND m.metric_date > @now::date - 14)::int AS seat_days_measured,
                 min(m.active_users) FILTER (WHERE m.metric_date > @now::date - 14) AS min_active14,
                 count(m.dau) FILTER (WHERE m.metric_date > @now::date - 30)::int AS dau_days_recent,
                 count(m.dau) FILTER (WHERE m.metric_date <= @now::date - 30)::int AS dau_days_before,
                 avg(m.dau) FILTER (WHERE m.metric_date > @now::date - 30)::float8 AS dau_recent,
                 avg(m.dau) FILTER (WHERE m.metric_date <= @now::date - 30)::float8 AS dau_before
          FROM usage_metrics m
          WHERE m.organization_id = c.organization_id AND m.customer_id = c.id AND m.metric_date > @now::date - 60 AND m.metric_date <= @now::date) w
        LEFT JOIN plans p ON p.organization_id = c.organization_id AND p.code = s.plan AND p.billing_cycle = s.billing_cycle AND p.is_active AND p.deleted_at IS NULL
        LEFT JOIN LATERAL (
          SELECT q.code, q.name, q.base_price, q.price_per_seat FROM plans q
          WHERE q.organization_id = c.organization_id AND q.billing_cycle = s.billing_cycle AND q.is_active AND q.deleted_at IS NULL
            AND array_position(@order, q.code::text) > array_position(@order, s.plan::text)
          ORDER BY array_position(@order, q.code::text) LIMIT 1) nx ON true
        LEFT JOIN LATERAL (
          SELECT a.id, a.meeting_id, a.analyzed_at, a.expansion_signals::text AS signals FROM meeting_analyses a
          WHERE a.organization_id = c.organization_id AND a.customer_id = c.id AND a.analyzed_at > @now - interval '30 days'
            AND a.expansion_potential IN ('medium', 'high') AND jsonb_typeof(a.expansion_signals) = 'array'
          ORDER BY a.analyzed_at DESC LIMIT 1) ms ON true
        LEFT JOIN LATERAL (
          SELECT string_agg(DISTINCT u.feature_name, ',' ORDER BY u.feature_name) AS names, sum(u.usage_count)::int AS uses,
                 array_agg(DISTINCT u.feature_name::text) AS list
          FROM feature_usage u
          WHERE u.organization_id = c.organization_id AND u.customer_id = c.id AND u.deleted_at IS NULL AND u.usage_count > 0
            AND u.date > @now::date - @featureDays AND u.date <= @now::date
            AND cardinality(p.included_features) > 0 AND NOT (u.feature_name = ANY(p.included_features))) fb ON true
        LEFT JOIN LATERAL (
          SELECT q.code, q.name, q.base_price, q.price_per_seat FROM plans q
          WHERE q.organization_id = c.organization_id AND q.billing_cycle = s.billing_cycle AND q.is_active AND q.deleted_at IS NULL
            AND q.code <> s.plan AND fb.list IS NOT NULL AND q.included_features @> fb.list
          ORDER BY q.base_price + q.price_per_seat * greatest(coalesce(s.seats_total, 0), 1), q.code LIMIT 1) fp ON true
        WHERE c.organization_id = @org AND c.id = ANY(@ids) AND c.deleted_at IS NULL AND coalesce(c.stage, '') <> 'churned'
        """;

    /// <summary>Reads the facts, applies the rules and writes what is new (in the caller's transaction); returns what was created.</summary>
    public static async Task<List<Found>> RunAsync(TenantSession s, IReadOnlyCollection<Guid> customers, DateTime now, CancellationToken ct)
    {
        if (customers.Count == 0) return [];
        var facts = await s.QueryAsync<Facts>(Sql, new { org = s.OrganizationId, ids = customers.ToArray(), now = DateTime.SpecifyKind(now, DateTimeKind.Utc), order = PlanOrder, featureDays = FeatureDays }, ct);
        var found = facts.SelectMany(Detect).ToList();
        if (found.Count == 0) return [];
        // One statement for the whole set: each opportunity inserted unless its cause is open or in
        // cooldown for that customer (one per customer and cause: Detect yields a cause once).
        var ids = found.Select(_ => Guid.CreateVersion7()).ToArray();
        var inserted = (await s.QueryAsync("""
            INSERT INTO expansion_opportunities (id, organization_id, customer_id, opportunity_type, product_line, estimated_value, probability, stage,
                                                 use_case, timeline, next_steps, cause, evidence, detected_at)
            SELECT f.id, $1, f.customer_id, f.opportunity_type, f.product_line, f.estimated_value, f.probability, 'identified', f.use_case, 'this quarter',
                   f.next_steps, f.cause, f.evidence, $12
            FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::int[], $8::text[], $9::text[], $10::text[], $11::jsonb[])
              AS f(id, customer_id, opportunity_type, product_line, estimated_value, probability, use_case, next_steps, cause, evidence)
            WHERE NOT EXISTS (SELECT 1 FROM expansion_opportunities o WHERE o.organization_id = $1 AND o.customer_id = f.customer_id AND o.cause = f.cause
                              AND (o.stage NOT IN ('closed_won', 'closed_lost') OR o.created_at > $12 - make_interval(days => $13)))
            ON CONFLICT (organization_id, customer_id, cause) WHERE cause IS NOT NULL AND stage NOT IN ('closed_won', 'closed_lost') DO NOTHING
            RETURNING id
            """, [s.OrganizationId, ids, found.Select(f => f.CustomerId).ToArray(), found.Select(f => f.Type).ToArray(),
                SqlArg.Typed(found.Select(f => f.ProductLine).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text),
                SqlArg.Typed(found.Select(f => f.Value).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Numeric),
                found.Select(f => f.Probability).ToArray(), found.Select(f => f.UseCase).ToArray(), found.Select(f => f.NextSteps).ToArray(),
                found.Select(f => f.Cause).ToArray(),
                SqlArg.Typed(found.Select(f => f.Evidence.ToJsonString()).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb),
                now, CooldownDays], r => r.GetGuid(0), ct)).ToHashSet();
        if (inserted.Count == 0) return [];
        var created = new List<Found>(inserted.Count);
        var createdIds = new List<Guid>(inserted.Count);
        for (var i = 0; i < found.Count; i++)
            if (inserted.Contains(ids[i])) { created.Add(found[i]); createdIds.Add(ids[i]); }
        await DomainEvents.PublishRowsAsync(s, "expansion_opportunities", createdIds, ct, "expansion_opportunities.created", "expansion_opportunity.detected");
        return created;
    }

    /// <summary>The rules, pure: what one customer's facts justify.</summary>
    public static IEnumerable<Found> Detect(Facts f)
    {
        var perYear = f.BillingCycle == "annual" ? 1 : 12;
        if (f.SeatsTotal > 0 && f.SeatDaysMeasured >= SeatDays && f.MinActive14 is { } least && least >= SeatUtilization * f.SeatsTotal)
        {
            var extra = Math.Max(1, (int)Math.Ceiling(f.SeatsTotal * 0.2));
            decimal? value = f.PricePerSeat is { } seat and > 0 ? extra * seat * perYear
                : f.SubscriptionArr is { } arr and > 0 ? Math.Round(arr / f.SeatsTotal * extra, 2) : null;
            var pct = Math.Round(100.0 * least / f.SeatsTotal);
            yield return new Found(f.CustomerId, "seat_utilization", "seat-expansion", f.Plan is null ? "Seats" : $"{f.Plan} seats", value, 60,
                $"At least {least} of {f.SeatsTotal} seats ({pct.ToString(CultureInfo.InvariantCulture)}%) were in use on each of the last {SeatDays} days.",
                $"Offer {extra} more seat{(extra == 1 ? "" : "s")}{(f.PricePerSeat is { } p and > 0 ? $" at {p.ToString("0.00", CultureInfo.InvariantCulture)} per seat per {(perYear == 1 ? "year" : "month")}" : "")} before they run out.",
                new JsonObject
                {
                    ["seats_total"] = f.SeatsTotal, ["seats_used"] = f.SeatsUsed, ["min_active_users_14d"] = least, ["days_measured"] = f.SeatDaysMeasured,
                    ["utilization_percent"] = pct, ["extra_seats"] = extra, ["price_per_seat"] = f.PricePerSeat, ["valued_from"] = f.PricePerSeat is > 0 ? "plans" : value is null ? null : "subscription",
                });
        }
        if (f.DauDaysRecent >= 7 && f.DauDaysBefore >= 7 && f.DauBefore is { } before and > 0 && f.DauRecent is { } recent
            && (recent - before) / before * 100 >= UsageGrowthPercent)
        {
            var growth = Math.Round((recent - before) / before * 100, 1);
            var seats = Math.Max(f.SeatsTotal, 1);
            decimal? value = f.NextPlan is not null && f.NextBasePrice is { } nb
                ? Math.Max(0, (nb + (f.NextPricePerSeat ?? 0) * seats - (f.BasePrice ?? 0) - (f.PricePerSeat ?? 0) * seats) * perYear) : null;
            yield return new Found(f.CustomerId, "usage_growth", f.NextPlan is null ? "usage-expansion" : "upgrade", f.NextPlanName ?? f.NextPlan, value, 40,
                $"Daily active users grew {growth.ToString(CultureInfo.InvariantCulture)}% (average {before:0.#} → {recent:0.#}) over the last 30 days against the 30 before.",
                f.NextPlan is null ? "Talk about usage-based expansion: they are using more of the product every week."
                    : $"Propose the {f.NextPlanName ?? f.NextPlan} plan: their usage outgrows {f.Plan}.",
                new JsonObject
                {
                    ["dau_avg_last_30d"] = Math.Round(recent, 1), ["dau_avg_previous_30d"] = Math.Round(before, 1), ["growth_percent"] = growth,
                    ["plan"] = f.Plan, ["next_plan"] = f.NextPlan, ["valued_from"] = value is null ? null : "plans",
                });
        }
        if (f.MeetingAnalysisId is { } analysis && f.MeetingSignals is { } raw && JsonNode.Parse(raw) is JsonArray signals
            && MeetingSignals(signals) is { Count: > 0 } items)
        {
            var seats = items.Where(x => x.Type == "seats").Max(x => x.Quantity);
            var upgrade = items.Any(x => x.Type == "upgrade");
            var first = items.FirstOrDefault(x => seats is not null ? x.Type == "seats" : upgrade ? x.Type == "upgrade" : true)!;
            var (type, line) = seats is not null ? ("seat-expansion", f.Plan is null ? "Seats" : $"{f.Plan} seats")
                : upgrade && f.NextPlan is not null ? ("upgrade", f.NextPlanName ?? f.NextPlan) : ("cross-sell", null);
            decimal? value = seats is { } n && f.PricePerSeat is { } price and > 0 ? n * price * perYear
                : type == "upgrade" && f.NextBasePrice is { } nb2 ? Math.Max(0, (nb2 + (f.NextPricePerSeat ?? 0) * Math.Max(f.SeatsTotal, 1) - (f.BasePrice ?? 0) - (f.PricePerSeat ?? 0) * Math.Max(f.SeatsTotal, 1)) * perYear)
                : null;
            var (quote, speaker) = (first.Signal, first.Speaker);
            yield return new Found(f.CustomerId, "meeting_signal", type, line, value, 30,
                $"Said in a meeting{(speaker is null ? "" : $" by {speaker}")}: “{quote}”",
                seats is { } s2 ? $"Confirm the {s2} seats and send a quote." : "Follow up on what they said in the meeting with a proposal.",
                new JsonObject
                {
                    ["meeting_analysis_id"] = analysis, ["meeting_id"] = f.MeetingId, ["analyzed_at"] = f.MeetingAnalyzedAt, ["signals"] = signals.DeepClone(),
                    ["seats_mentioned"] = seats, ["price_per_seat"] = f.PricePerSeat, ["valued_from"] = value is null ? null : "plans",
                });
        }
        if (BeyondPlan(f, perYear) is { } beyond) yield return beyond;
    }

    /// <summary>Features the customer used that its plan does not include: the upgrade to the cheapest plan that includes them all, or an add-on to sell.</summary>
    private static Found? BeyondPlan(Facts f, int perYear)
    {
        if (f.FeaturesBeyond is not { Length: > 0 } names) return null;
        var features = names.Split(',');
        var seats = Math.Max(f.SeatsTotal, 1);
        decimal? value = f.FeaturePlan is not null && f.FeaturePlanBasePrice is { } nb
            ? Math.Max(0, (nb + (f.FeaturePlanPricePerSeat ?? 0) * seats - (f.BasePrice ?? 0) - (f.PricePerSeat ?? 0) * seats) * perYear) : null;
        var list = string.Join(", ", features);
        var upgrade = f.FeaturePlanName ?? f.FeaturePlan;
        return new Found(f.CustomerId, "feature_beyond_plan", upgrade is null ? "cross-sell" : "upgrade", upgrade ?? Cut(list, 100), value, 50,
            $"Used {(features.Length == 1 ? "a feature" : $"{features.Length} features")} the {f.Plan} plan does not include in the last {FeatureDays} days: {list} ({f.FeatureUses ?? 0} uses).",
            upgrade is null ? $"No plan of the catalogue includes {list}: agree an add-on price, or add it to a plan."
                : $"Propose the {upgrade} plan: it includes {list}.",
            new JsonObject
            {
                ["features_beyond_plan"] = new JsonArray(features.Select(x => (JsonNode)x).ToArray()), ["uses_last_30d"] = f.FeatureUses,
                ["plan"] = f.Plan, ["upgrade_plan"] = f.FeaturePlan, ["valued_from"] = value is null ? null : "plans",
            });
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private sealed record MeetingSignal(string Type, string Signal, string? Speaker, int? Quantity);

    /// <summary>The analysis' signals as written by the transcript analyzer (objects with type, signal, speaker, quantity) or by hand (plain sentences).</summary>
    private static List<MeetingSignal> MeetingSignals(JsonArray signals)
    {
        static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var list = new List<MeetingSignal>();
        foreach (var x in signals)
        {
            if (x is JsonObject o && Str(o["signal"]) is { Length: > 0 } said)
                list.Add(new(Str(o["type"]) ?? "mention", said, Str(o["speaker"]), o["quantity"] is JsonValue q && q.TryGetValue<int>(out var n) ? n : null));
            else if (Str(x) is { Length: > 0 } text)
                list.Add(new("mention", text, null, null));
        }
        return list;
    }
}
