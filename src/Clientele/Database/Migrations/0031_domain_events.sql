-- Domain events (issue 15, docs/automation.md): every change a module makes publishes a named
-- event in the same transaction (customer.updated, conversation.escalated, invoice.paid, ...).
-- They are kept here, partitioned by month on created_at like analytics_events, so retention
-- drops whole partitions (Automation:EventRetentionDays, default 90). Delivery to triggers,
-- workflows and outbound webhooks goes through the outbox row written with the event.
CREATE TABLE domain_events (
  id              uuid NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- customer.updated, customers.updated, invoice.paid: "{entity}.{what happened}".
  event_type      varchar(100) NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  resource_type   varchar(100),
  resource_id     uuid,
  -- The customer the event is about, when there is one (triggers scope and conditions use it).
  customer_id     uuid,
  -- The entity after the change (before it, for a delete).
  data            jsonb NOT NULL DEFAULT '{}',
  -- For updates: the names of the fields that changed and their old values.
  changed_fields  text[] NOT NULL DEFAULT '{}',
  previous        jsonb,
  actor_type      varchar(20),
  actor_id        uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at),
  UNIQUE (organization_id, id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX idx_domain_events_org_created ON domain_events (organization_id, created_at);
CREATE INDEX idx_domain_events_type ON domain_events (organization_id, event_type, created_at);
CREATE INDEX idx_domain_events_resource ON domain_events (organization_id, resource_type, resource_id);
CREATE INDEX idx_domain_events_customer ON domain_events (organization_id, customer_id, created_at) WHERE customer_id IS NOT NULL;
CREATE TABLE domain_events_default PARTITION OF domain_events DEFAULT;
-- Append-only for the app: retention runs through clientele_drop_old_domain_event_partitions.
SELECT clientele_tenant_table('domain_events', 'SELECT, INSERT');

-- Monthly partitions domain_events_YYYY_MM for this month and the next months_ahead (idempotent;
-- rows already in DEFAULT for a month being created move into it first).
CREATE OR REPLACE FUNCTION clientele_create_domain_event_partitions(months_ahead int DEFAULT 3)
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
    part    := format('domain_events_%s', to_char(m_start, 'YYYY_MM'));
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    LOCK TABLE domain_events_default IN ACCESS EXCLUSIVE MODE;
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE domain_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM domain_events_default '
                   'WHERE created_at >= %L::timestamptz AND created_at < %L::timestamptz RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved',
                   m_start::text || ' 00:00:00+00', m_end::text || ' 00:00:00+00', part);
    EXECUTE format('ALTER TABLE domain_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   part, m_start::text || ' 00:00:00+00', m_end::text || ' 00:00:00+00');
    created := created + 1;
  END LOOP;
  RETURN created;
END $$;
REVOKE ALL ON FUNCTION clientele_create_domain_event_partitions(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_create_domain_event_partitions(int) TO clientele_app;
SELECT clientele_create_domain_event_partitions(3);

-- Retention: drops monthly partitions that end before now() - p_keep and old DEFAULT rows.
CREATE OR REPLACE FUNCTION clientele_drop_old_domain_event_partitions(p_keep interval DEFAULT interval '90 days')
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  r       record;
  dropped integer := 0;
BEGIN
  FOR r IN
    SELECT c.relname, to_date(substring(c.relname FROM '(\d{4}_\d{2})$'), 'YYYY_MM') AS m_start
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'domain_events'::regclass AND c.relname ~ '^domain_events_\d{4}_\d{2}$'
  LOOP
    IF (r.m_start + interval '1 month') <= (now() AT TIME ZONE 'UTC') - p_keep THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM domain_events_default WHERE created_at < now() - p_keep;
  RETURN dropped;
END $$;
REVOKE ALL ON FUNCTION clientele_drop_old_domain_event_partitions(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_drop_old_domain_event_partitions(interval) TO clientele_app;
