namespace Clientele.Modules.Analytics.Rollups;

/// <summary>
/// The four rollups of one organization over a range of days, one set-based statement per table.
/// Each statement takes ($1 organization, $2 first day, $3 last day, $4 IANA time zone): the range is
/// [$2 00:00, $3+1 00:00) on the organization's clock and a row's day is its local date. Each groups
/// the whole range at once, upserts the rows its activity supports (keeping their ids; rows whose
/// numbers did not change are not touched) and deletes the range's rows nothing supports any more,
/// so a re-run over the same rows gives the same table whatever the range is cut into. Averages are
/// rounded (float sums depend on row order); extra_metadata keeps sums and counts so that reports
/// average weeks and months exactly.
/// </summary>
internal static class RollupSql
{
    private const string Bounds = """
        b AS (SELECT ($2::date)::timestamp AT TIME ZONE $4 AS lo, ($3::date + 1)::timestamp AT TIME ZONE $4 AS hi)
        """;

    /// <summary>Conversations started each day, per channel and for all channels (channel NULL).</summary>
    public const string ConversationAnalytics = $$"""
        WITH {{Bounds}},
        c AS (
          SELECT (v.started_at AT TIME ZONE $4)::date AS day, v.channel, v.status, v.resolution_time_seconds, v.sentiment_avg, v.csat_score,
                 v.first_response_time_seconds,
                 EXISTS (SELECT 1 FROM messages m WHERE m.organization_id = v.organization_id AND m.conversation_id = v.id
                           AND m.role = 'assistant' AND m.agent_name = 'human' AND m.deleted_at IS NULL) AS human
          FROM conversations v CROSS JOIN b
          WHERE v.organization_id = $1 AND v.deleted_at IS NULL AND v.started_at >= b.lo AND v.started_at < b.hi),
        g AS (
          SELECT day, CASE WHEN grouping(channel) = 1 THEN NULL ELSE channel END AS channel, grouping(channel) = 1 AS all_channels,
                 count(*)::int AS total, count(*) FILTER (WHERE status = 'resolved')::int AS resolved,
                 count(*) FILTER (WHERE status = 'escalated')::int AS escalated,
                 round(avg(resolution_time_seconds))::int AS resolution, round(avg(sentiment_avg)::numeric, 4)::float8 AS sentiment,
                 round(avg(csat_score), 4)::float8 AS csat,
                 jsonb_build_object(
                   'first_response_seconds_sum', coalesce(sum(first_response_time_seconds), 0), 'first_response_count', count(first_response_time_seconds),
                   'resolution_seconds_sum', coalesce(sum(resolution_time_seconds), 0), 'resolution_count', count(resolution_time_seconds),
                   'sentiment_sum', round(coalesce(sum(sentiment_avg), 0)::numeric, 4), 'sentiment_count', count(sentiment_avg),
                   'csat_sum', coalesce(sum(csat_score), 0), 'csat_count', count(csat_score),
                   'ai_only', count(*) FILTER (WHERE NOT human)) AS extra
          FROM c GROUP BY GROUPING SETS ((day, channel), (day))),
        r AS (SELECT * FROM g WHERE total > 0 AND (all_channels OR channel IS NOT NULL)),
        up AS (
          INSERT INTO conversation_analytics AS t (id, organization_id, date, channel, total_conversations, resolved_conversations, escalated_conversations,
                                                   avg_resolution_time_seconds, avg_sentiment, avg_csat, extra_metadata)
          SELECT clientele_uuid_v7(), $1, day, channel, total, resolved, escalated, resolution, sentiment, csat, extra FROM r
          ON CONFLICT (organization_id, channel, date) DO UPDATE SET
            total_conversations = EXCLUDED.total_conversations, resolved_conversations = EXCLUDED.resolved_conversations,
            escalated_conversations = EXCLUDED.escalated_conversations, avg_resolution_time_seconds = EXCLUDED.avg_resolution_time_seconds,
            avg_sentiment = EXCLUDED.avg_sentiment, avg_csat = EXCLUDED.avg_csat, extra_metadata = EXCLUDED.extra_metadata, deleted_at = NULL, deleted_by = NULL
          WHERE (t.total_conversations, t.resolved_conversations, t.escalated_conversations, t.avg_resolution_time_seconds, t.avg_sentiment, t.avg_csat, t.extra_metadata, t.deleted_at)
                IS DISTINCT FROM (EXCLUDED.total_conversations, EXCLUDED.resolved_conversations, EXCLUDED.escalated_conversations,
                                  EXCLUDED.avg_resolution_time_seconds, EXCLUDED.avg_sentiment, EXCLUDED.avg_csat, EXCLUDED.extra_metadata, NULL::timestamptz)
          RETURNING 1)
        DELETE FROM conversation_analytics t
        WHERE t.organization_id = $1 AND t.date BETWEEN $2 AND $3
          AND NOT EXISTS (SELECT 1 FROM r WHERE r.day = t.date AND r.channel IS NOT DISTINCT FROM t.channel)
        """;

    /// <summary>The organization's days: messages sent, conversations started, tokens, people active, agents, workflow runs.</summary>
    public const string DailyMetrics = $$"""
        WITH {{Bounds}},
        m AS (SELECT ("timestamp" AT TIME ZONE $4)::date AS day, count(*)::int AS n, coalesce(sum(tokens_used), 0)::bigint AS tokens FROM messages, b
              WHERE organization_id = $1 AND deleted_at IS NULL AND "timestamp" >= b.lo AND "timestamp" < b.hi GROUP BY 1),
        c AS (SELECT (started_at AT TIME ZONE $4)::date AS day, count(*)::int AS n,
                     round(coalesce(avg(first_response_time_seconds), 0), 2)::numeric(10,2) AS response, count(DISTINCT agent_id)::int AS agents
              FROM conversations, b WHERE organization_id = $1 AND deleted_at IS NULL AND started_at >= b.lo AND started_at < b.hi GROUP BY 1),
        u AS (SELECT x.day, count(DISTINCT x.id)::int AS n FROM (
                SELECT ("timestamp" AT TIME ZONE $4)::date AS day, created_by AS id FROM messages, b
                WHERE organization_id = $1 AND deleted_at IS NULL AND agent_name = 'human' AND created_by IS NOT NULL AND "timestamp" >= b.lo AND "timestamp" < b.hi
                UNION
                SELECT (created_at AT TIME ZONE $4)::date, user_id FROM analytics_events, b
                WHERE organization_id = $1 AND user_id IS NOT NULL AND created_at >= b.lo AND created_at < b.hi) x
              GROUP BY x.day),
        w AS (SELECT (started_at AT TIME ZONE $4)::date AS day, count(*)::int AS n FROM workflow_executions, b
              WHERE organization_id = $1 AND started_at >= b.lo AND started_at < b.hi GROUP BY 1),
        v AS (SELECT d.day, coalesce(m.n, 0) AS messages, coalesce(m.tokens, 0) AS tokens, coalesce(c.n, 0) AS conversations,
                     coalesce(c.response, 0)::numeric(10,2) AS response, coalesce(c.agents, 0) AS agents, coalesce(u.n, 0) AS users, coalesce(w.n, 0) AS workflows
              FROM (SELECT $2::date + i AS day FROM generate_series(0, $3::date - $2::date) i) d
              LEFT JOIN m ON m.day = d.day LEFT JOIN c ON c.day = d.day LEFT JOIN u ON u.day = d.day LEFT JOIN w ON w.day = d.day),
        up AS (
          INSERT INTO daily_metrics AS t (id, organization_id, date, total_messages, total_conversations, total_tokens, unique_users, avg_response_time, agent_count, workflow_executions)
          SELECT clientele_uuid_v7(), $1, day, messages, conversations, tokens, users, response, agents, workflows FROM v
          WHERE messages + conversations + users + workflows > 0
          ON CONFLICT (organization_id, date) DO UPDATE SET
            total_messages = EXCLUDED.total_messages, total_conversations = EXCLUDED.total_conversations, total_tokens = EXCLUDED.total_tokens,
            unique_users = EXCLUDED.unique_users, avg_response_time = EXCLUDED.avg_response_time, agent_count = EXCLUDED.agent_count,
            workflow_executions = EXCLUDED.workflow_executions
          WHERE (t.total_messages, t.total_conversations, t.total_tokens, t.unique_users, t.avg_response_time, t.agent_count, t.workflow_executions)
                IS DISTINCT FROM (EXCLUDED.total_messages, EXCLUDED.total_conversations, EXCLUDED.total_tokens, EXCLUDED.unique_users,
                                  EXCLUDED.avg_response_time, EXCLUDED.agent_count, EXCLUDED.workflow_executions)
          RETURNING 1)
        DELETE FROM daily_metrics t USING v
        WHERE t.organization_id = $1 AND t.date = v.day AND v.messages + v.conversations + v.users + v.workflows = 0
        """;

    /// <summary>
    /// Each agent's AI replies of each day: channel agents (an agents row, the conversation's agent_id) and seed 000's
    /// logical agents (messages.agent_name in conversations without an agent_id). Human replies are not an agent's.
    /// Response time: from the customer's message to the first reply after it.
    /// </summary>
    public const string AgentPerformance = $$"""
        WITH {{Bounds}},
        r AS (
          SELECT (m."timestamp" AT TIME ZONE $4)::date AS day, v.agent_id, CASE WHEN v.agent_id IS NULL THEN m.agent_name END AS agent_name,
                 m.conversation_id, m.tokens_used, m.status, coalesce(m.agent_confidence::float8, m.confidence) AS confidence,
                 CASE WHEN p.at IS NOT NULL THEN extract(epoch FROM m."timestamp" - p.at) * 1000 END AS response_ms
          FROM messages m
          JOIN conversations v ON v.organization_id = m.organization_id AND v.id = m.conversation_id AND v.deleted_at IS NULL
          CROSS JOIN b
          LEFT JOIN LATERAL (
            SELECT u."timestamp" AS at FROM messages u
            WHERE u.organization_id = m.organization_id AND u.conversation_id = m.conversation_id AND u.deleted_at IS NULL AND u.sequence_no < m.sequence_no
              AND u.role = 'user' AND NOT EXISTS (
                SELECT 1 FROM messages a WHERE a.organization_id = m.organization_id AND a.conversation_id = m.conversation_id AND a.deleted_at IS NULL
                  AND a.role = 'assistant' AND a.sequence_no > u.sequence_no AND a.sequence_no < m.sequence_no)
            ORDER BY u.sequence_no DESC LIMIT 1) p ON true
          WHERE m.organization_id = $1 AND m.deleted_at IS NULL AND m.role = 'assistant' AND coalesce(m.agent_name, '') <> 'human'
            AND m."timestamp" >= b.lo AND m."timestamp" < b.hi AND (v.agent_id IS NOT NULL OR m.agent_name IS NOT NULL)),
        a AS (
          SELECT day, agent_id, agent_name, count(*)::int AS messages, count(DISTINCT conversation_id)::int AS conversations,
                 coalesce(sum(tokens_used), 0)::bigint AS tokens, count(*) FILTER (WHERE status = 'failed')::int AS errors,
                 round(avg(confidence)::numeric, 4)::float8 AS confidence, count(confidence) AS confidence_count,
                 round(coalesce(sum(confidence), 0)::numeric, 4) AS confidence_sum,
                 round(coalesce(sum(response_ms), 0)) AS response_ms_sum, count(response_ms) AS response_count
          FROM r GROUP BY day, agent_id, agent_name),
        k AS (SELECT DISTINCT day, agent_id, agent_name, conversation_id FROM r),
        o AS (
          SELECT k.day, k.agent_id, k.agent_name,
                 count(*) FILTER (WHERE v.status = 'resolved' AND (k.agent_id IS NOT NULL OR v.resolved_by_agent = k.agent_name))::int AS resolved,
                 count(*) FILTER (WHERE v.status = 'escalated')::int AS escalated,
                 round(avg(v.sentiment_avg)::numeric, 4)::float8 AS sentiment,
                 coalesce(sum(v.csat_score), 0) AS csat_sum, count(v.csat_score) AS csat_count
          FROM k JOIN conversations v ON v.organization_id = $1 AND v.id = k.conversation_id
          GROUP BY k.day, k.agent_id, k.agent_name),
        rows AS (
          SELECT a.day, a.agent_id, coalesce(a.agent_name, left(ag.name, 50)) AS agent_name, a.conversations, a.messages, a.tokens, a.errors, a.confidence,
                 o.resolved, o.escalated, o.sentiment,
                 CASE WHEN a.response_count > 0 THEN least(round(a.response_ms_sum / a.response_count), 2147483647)::int END AS response_ms,
                 CASE WHEN a.response_count > 0 THEN least(round(a.response_ms_sum / a.response_count / 1000, 2), 99999999.99) ELSE 0 END::numeric(10,2) AS response_s,
                 CASE WHEN o.csat_count > 0 THEN round(o.csat_sum::numeric / o.csat_count, 2) END::numeric(3,2) AS satisfaction,
                 jsonb_build_object('response_ms_sum', a.response_ms_sum, 'response_count', a.response_count, 'csat_sum', o.csat_sum, 'csat_count', o.csat_count,
                                    'confidence_sum', a.confidence_sum, 'confidence_count', a.confidence_count) AS extra
          FROM a JOIN o ON o.day = a.day AND o.agent_id IS NOT DISTINCT FROM a.agent_id AND o.agent_name IS NOT DISTINCT FROM a.agent_name
          LEFT JOIN agents ag ON ag.organization_id = $1 AND ag.id = a.agent_id),
        by_id AS (
          INSERT INTO agent_performance AS t (id, organization_id, agent_id, agent_name, date, total_interactions, successful_resolutions, escalations, avg_confidence,
                                              avg_sentiment, avg_response_time_ms, conversation_count, message_count, avg_response_time, total_tokens, error_count,
                                              satisfaction_score, extra_metadata)
          SELECT clientele_uuid_v7(), $1, agent_id, agent_name, day, conversations, resolved, escalated, confidence, sentiment, response_ms, conversations, messages,
                 response_s, tokens, errors, satisfaction, extra
          FROM rows WHERE agent_id IS NOT NULL
          ON CONFLICT (organization_id, agent_id, date) DO UPDATE SET
            agent_name = EXCLUDED.agent_name, total_interactions = EXCLUDED.total_interactions, successful_resolutions = EXCLUDED.successful_resolutions,
            escalations = EXCLUDED.escalations, avg_confidence = EXCLUDED.avg_confidence, avg_sentiment = EXCLUDED.avg_sentiment,
            avg_response_time_ms = EXCLUDED.avg_response_time_ms, conversation_count = EXCLUDED.conversation_count, message_count = EXCLUDED.message_count,
            avg_response_time = EXCLUDED.avg_response_time, total_tokens = EXCLUDED.total_tokens, error_count = EXCLUDED.error_count,
            satisfaction_score = EXCLUDED.satisfaction_score, extra_metadata = EXCLUDED.extra_metadata, deleted_at = NULL, deleted_by = NULL
          WHERE (t.agent_name, t.total_interactions, t.successful_resolutions, t.escalations, t.avg_confidence, t.avg_sentiment, t.avg_response_time_ms,
                 t.message_count, t.avg_response_time, t.total_tokens, t.error_count, t.satisfaction_score, t.extra_metadata, t.deleted_at)
                IS DISTINCT FROM (EXCLUDED.agent_name, EXCLUDED.total_interactions, EXCLUDED.successful_resolutions, EXCLUDED.escalations, EXCLUDED.avg_confidence,
                 EXCLUDED.avg_sentiment, EXCLUDED.avg_response_time_ms, EXCLUDED.message_count, EXCLUDED.avg_response_time, EXCLUDED.total_tokens,
                 EXCLUDED.error_count, EXCLUDED.satisfaction_score, EXCLUDED.extra_metadata, NULL::timestamptz)
          RETURNING 1),
        by_name AS (
          INSERT INTO agent_performance AS t (id, organization_id, agent_id, agent_name, date, total_interactions, successful_resolutions, escalations, avg_confidence,
                                              avg_sentiment, avg_response_time_ms, conversation_count, message_count, avg_response_time, total_tokens, error_count,
                                              satisfaction_score, extra_metadata)
          SELECT clientele_uuid_v7(), $1, NULL, agent_name, day, conversations, resolved, escalated, confidence, sentiment, response_ms, conversations, messages,
                 response_s, tokens, errors, satisfaction, extra
          FROM rows WHERE agent_id IS NULL
          ON CONFLICT (organization_id, agent_name, date) WHERE agent_id IS NULL DO UPDATE SET
            total_interactions = EXCLUDED.total_interactions, successful_resolutions = EXCLUDED.successful_resolutions,
            escalations = EXCLUDED.escalations, avg_confidence = EXCLUDED.avg_confidence, avg_sentiment = EXCLUDED.avg_sentiment,
            avg_response_time_ms = EXCLUDED.avg_response_time_ms, conversation_count = EXCLUDED.conversation_count, message_count = EXCLUDED.message_count,
            avg_response_time = EXCLUDED.avg_response_time, total_tokens = EXCLUDED.total_tokens, error_count = EXCLUDED.error_count,
            satisfaction_score = EXCLUDED.satisfaction_score, extra_metadata = EXCLUDED.extra_metadata, deleted_at = NULL, deleted_by = NULL
          WHERE (t.total_interactions, t.successful_resolutions, t.escalations, t.avg_confidence, t.avg_sentiment, t.avg_response_time_ms,
                 t.message_count, t.avg_response_time, t.total_tokens, t.error_count, t.satisfaction_score, t.extra_metadata, t.deleted_at)
                IS DISTINCT FROM (EXCLUDED.total_interactions, EXCLUDED.successful_resolutions, EXCLUDED.escalations, EXCLUDED.avg_confidence,
                 EXCLUDED.avg_sentiment, EXCLUDED.avg_response_time_ms, EXCLUDED.message_count, EXCLUDED.avg_response_time, EXCLUDED.total_tokens,
                 EXCLUDED.error_count, EXCLUDED.satisfaction_score, EXCLUDED.extra_metadata, NULL::timestamptz)
          RETURNING 1)
        DELETE FROM agent_performance t
        WHERE t.organization_id = $1 AND t.date BETWEEN $2 AND $3 AND NOT EXISTS (
          SELECT 1 FROM rows WHERE rows.day = t.date AND ((t.agent_id IS NOT NULL AND rows.agent_id = t.agent_id)
                                OR (t.agent_id IS NULL AND rows.agent_id IS NULL AND rows.agent_name = t.agent_name)))
        """;

    /// <summary>
    /// Product events that name a customer (properties.customer_id, a customer of the organization) count as that
    /// customer's use of a feature: properties.feature, else the event type. The events are grouped on the raw
    /// text first: the UUID check, the cast and the customer join then run once per group, not once per event
    /// (the bulk of the work at millions of events a month). The grouping is a statement of its own, a plain
    /// SELECT, because PostgreSQL runs a statement in parallel workers only when it writes nothing: with the
    /// upsert in the same statement, a month of ten million events was read by one core.
    /// </summary>
    public const string FeatureUsageGroups = $$"""
        WITH {{Bounds}}
        SELECT (created_at AT TIME ZONE $4)::date AS day, properties->>'customer_id' AS customer,
               coalesce(nullif(properties->>'feature', ''), event_type) AS feature, count(*) AS n, max(created_at) AS last
        FROM analytics_events, b
        WHERE organization_id = $1 AND created_at >= b.lo AND created_at < b.hi AND properties ? 'customer_id'
        GROUP BY 1, 2, 3
        """;

    /// <summary>The upsert of <see cref="FeatureUsageGroups"/>' rows, given as arrays ($5 days, $6 customers, $7 features, $8 counts, $9 last uses).</summary>
    public const string FeatureUsage = """
        WITH g AS (SELECT * FROM unnest($5::date[], $6::text[], $7::text[], $8::bigint[], $9::timestamptz[]) AS g(day, customer, feature, n, last)),
        e AS (
          SELECT day, CASE WHEN customer ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN customer::uuid END AS customer_id,
                 left(feature, 100) AS feature, n, last FROM g),
        r AS (
          SELECT e.day, e.customer_id, e.feature, sum(e.n)::int AS n, max(e.last) AS last
          FROM e JOIN customers c ON c.organization_id = $1 AND c.id = e.customer_id
          GROUP BY e.day, e.customer_id, e.feature),
        up AS (
          INSERT INTO feature_usage AS t (id, organization_id, customer_id, feature_name, usage_count, last_used_at, date)
          SELECT clientele_uuid_v7(), $1, customer_id, feature, n, last, day FROM r
          ON CONFLICT (organization_id, customer_id, feature_name, date) DO UPDATE SET
            usage_count = EXCLUDED.usage_count, last_used_at = EXCLUDED.last_used_at, deleted_at = NULL, deleted_by = NULL
          WHERE (t.usage_count, t.last_used_at, t.deleted_at) IS DISTINCT FROM (EXCLUDED.usage_count, EXCLUDED.last_used_at, NULL::timestamptz)
          RETURNING 1)
        DELETE FROM feature_usage t
        WHERE t.organization_id = $1 AND t.date BETWEEN $2 AND $3
          AND NOT EXISTS (SELECT 1 FROM r WHERE r.day = t.date AND r.customer_id = t.customer_id AND r.feature = t.feature_name)
        """;
}
