-- Seed 002 analytics: raw analytics events (partitioned by month, kept 90 days) and the
-- daily per-organization rollup. Seed 002's agent_metrics is merged into
-- agent_performance (seed 000) by another migration.

-- Partitioned by month on created_at, as seed 002's "Partitioning Large Tables" asks:
-- retention drops whole partitions instead of deleting rows. A unique constraint on a
-- partitioned table must contain the partition key, hence (id, created_at) and
-- (organization_id, id, created_at).
CREATE TABLE analytics_events (
  id              uuid NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  event_type      varchar(100) NOT NULL,
  resource_type   varchar(100),
  resource_id     uuid,
  properties      jsonb NOT NULL DEFAULT '{}',
  user_id         uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at),
  UNIQUE (organization_id, id, created_at),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
) PARTITION BY RANGE (created_at);
CREATE INDEX idx_analytics_events_org_created ON analytics_events (organization_id, created_at);
CREATE INDEX idx_analytics_events_type ON analytics_events (organization_id, event_type, created_at);
CREATE INDEX idx_analytics_events_resource ON analytics_events (organization_id, resource_type, resource_id);
CREATE INDEX idx_analytics_events_user ON analytics_events (organization_id, user_id);
-- Catches rows outside every monthly partition so an insert never fails.
CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT;
-- RLS on the parent applies to every query through it; the app has no grant on the
-- partitions themselves, so they cannot be read around the policy.
SELECT clientele_tenant_table('analytics_events', 'SELECT, INSERT, DELETE');

-- Creates the monthly partitions analytics_events_YYYY_MM for the current month (UTC)
-- and the next months_ahead months when missing; safe to run any number of times (the
-- nightly job calls it). Rows already sitting in the DEFAULT partition for a month being
-- created are moved into the new partition first, otherwise ATTACH would fail.
CREATE OR REPLACE FUNCTION clientele_create_analytics_partitions(months_ahead int DEFAULT 3)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m_start     date;
  m_end       date;
  part        text;
  created     integer := 0;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 120, got %', months_ahead
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR i IN 0..months_ahead LOOP
    m_start := (first_month + make_interval(months => i))::date;
    m_end   := (m_start + interval '1 month')::date;
    part    := format('analytics_events_%s', to_char(m_start, 'YYYY_MM'));
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    -- Serialize concurrent callers; re-check after taking the lock.
    LOCK TABLE analytics_events_default IN ACCESS EXCLUSIVE MODE;
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE analytics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM analytics_events_default '
                   'WHERE created_at >= %L::timestamptz AND created_at < %L::timestamptz RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved',
                   m_start::text || ' 00:00:00+00', m_end::text || ' 00:00:00+00', part);
    EXECUTE format('ALTER TABLE analytics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   part, m_start::text || ' 00:00:00+00', m_end::text || ' 00:00:00+00');
    created := created + 1;
  END LOOP;
  RETURN created;
END $$;
REVOKE ALL ON FUNCTION clientele_create_analytics_partitions(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_create_analytics_partitions(int) TO clientele_app;

SELECT clientele_create_analytics_partitions(3);

-- Retention (seed 002: keep detailed events 90 days): drops monthly partitions that
-- end before now() - p_keep, and deletes older rows from the DEFAULT partition.
CREATE OR REPLACE FUNCTION clientele_drop_old_analytics_partitions(p_keep interval DEFAULT interval '90 days')
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  r       record;
  dropped integer := 0;
BEGIN
  FOR r IN
    SELECT c.relname,
           to_date(substring(c.relname FROM '(\d{4}_\d{2})$'), 'YYYY_MM') AS m_start
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'analytics_events'::regclass
      AND c.relname ~ '^analytics_events_\d{4}_\d{2}$'
  LOOP
    IF (r.m_start + interval '1 month') <= (now() AT TIME ZONE 'UTC') - p_keep THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM analytics_events_default WHERE created_at < now() - p_keep;
  RETURN dropped;
END $$;
REVOKE ALL ON FUNCTION clientele_drop_old_analytics_partitions(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_drop_old_analytics_partitions(interval) TO clientele_app;

CREATE TABLE daily_metrics (
  id                  uuid PRIMARY KEY,
  organization_id     uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  date                date NOT NULL,
  total_messages      integer NOT NULL DEFAULT 0 CHECK (total_messages >= 0),
  total_conversations integer NOT NULL DEFAULT 0 CHECK (total_conversations >= 0),
  total_tokens        bigint NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  unique_users        integer NOT NULL DEFAULT 0 CHECK (unique_users >= 0),
  avg_response_time   numeric(10,2) NOT NULL DEFAULT 0 CHECK (avg_response_time >= 0),
  agent_count         integer NOT NULL DEFAULT 0 CHECK (agent_count >= 0),
  workflow_executions integer NOT NULL DEFAULT 0 CHECK (workflow_executions >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, date)
);
CREATE INDEX idx_daily_metrics_date ON daily_metrics (date);
SELECT clientele_tenant_table('daily_metrics');
