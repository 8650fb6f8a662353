-- Seed 002's reporting views over the merged schema. Plain views are security_invoker so
-- the caller's row-level security applies (a tenant sees its own organization only).
-- Counts use per-table subqueries rather than the seed's 4-way LEFT JOIN + COUNT(DISTINCT),
-- which multiplies users x agents x conversations rows before counting; soft-deleted
-- rows are not counted.

CREATE VIEW organization_summary WITH (security_invoker = true) AS
SELECT
  o.id,
  o.name,
  o.subdomain,
  o.plan,
  o.plan_status,
  s.status AS subscription_status,
  (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.deleted_at IS NULL) AS user_count,
  (SELECT count(*) FROM agents a WHERE a.organization_id = o.id) AS agent_count,
  (SELECT count(*) FROM conversations c WHERE c.organization_id = o.id AND c.deleted_at IS NULL) AS conversation_count
FROM organizations o
LEFT JOIN platform_subscriptions s ON s.organization_id = o.id;
GRANT SELECT ON organization_summary TO clientele_app;

-- Seed 002 joins agents on a.user_id; seed 001's agents.user_id is the tenant
-- (organization_id here), so "agents created" counts agents.created_by. The seed's
-- first_name || ' ' || last_name is NULL when either is; fall back to users.name.
CREATE VIEW user_activity_summary WITH (security_invoker = true) AS
SELECT
  u.id AS user_id,
  u.email,
  coalesce(nullif(concat_ws(' ', u.first_name, u.last_name), ''), u.name) AS full_name,
  u.organization_id,
  u.last_active_at,
  (SELECT count(*) FROM agents a
    WHERE a.organization_id = u.organization_id AND a.created_by = u.id) AS agents_created,
  (SELECT count(*) FROM activity_logs al
    WHERE al.organization_id = u.organization_id AND al.user_id = u.id) AS activities_count
FROM users u
WHERE u.deleted_at IS NULL;
GRANT SELECT ON user_activity_summary TO clientele_app;

-- Seed 002's nightly materialized view. The seed's COUNT(DISTINCT user_id) reads a column
-- daily_metrics does not have; what it means is the users active in the last 30 days,
-- taken from users.last_active_at. One row per organization (zeros when it has no
-- metrics yet) so every tenant has a row. No RLS on materialized views: not granted to
-- the app, which reads its own row through clientele_org_metrics().
CREATE MATERIALIZED VIEW mv_organization_metrics AS
SELECT
  o.id AS organization_id,
  coalesce(u.user_count, 0) AS user_count,
  coalesce(d.total_messages, 0) AS total_messages,
  coalesce(d.avg_response_time, 0)::numeric(10,2) AS avg_response_time,
  now() AS refreshed_at
FROM organizations o
LEFT JOIN (
  SELECT organization_id, count(*) AS user_count
  FROM users
  WHERE deleted_at IS NULL AND last_active_at >= now() - interval '30 days'
  GROUP BY organization_id
) u ON u.organization_id = o.id
LEFT JOIN (
  SELECT organization_id, sum(total_messages) AS total_messages, avg(avg_response_time) AS avg_response_time
  FROM daily_metrics
  WHERE date >= current_date - 30
  GROUP BY organization_id
) d ON d.organization_id = o.id;
-- Required by REFRESH MATERIALIZED VIEW CONCURRENTLY.
CREATE UNIQUE INDEX mv_organization_metrics_organization_id ON mv_organization_metrics (organization_id);
REVOKE ALL ON mv_organization_metrics FROM PUBLIC;

CREATE OR REPLACE FUNCTION clientele_org_metrics()
RETURNS TABLE (organization_id uuid, user_count bigint, total_messages bigint,
               avg_response_time numeric, refreshed_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT m.organization_id, m.user_count, m.total_messages::bigint, m.avg_response_time, m.refreshed_at
  FROM mv_organization_metrics m
  WHERE m.organization_id = clientele_current_org()
$$;
REVOKE ALL ON FUNCTION clientele_org_metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_org_metrics() TO clientele_app;

-- The nightly job runs as the app role, which does not own the view.
CREATE OR REPLACE FUNCTION clientele_refresh_org_metrics()
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY mv_organization_metrics;
END $$;
REVOKE ALL ON FUNCTION clientele_refresh_org_metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_refresh_org_metrics() TO clientele_app;
