-- Issue 14: analytics computed from activity.
--   * analytics_event_ids: the ids of events accepted by POST /api/v1/analytics_events/batch, so
--     that a retried batch inserts nothing twice. analytics_events' own unique keys must contain
--     the partition key (created_at), so they cannot say "this id was already seen".
--   * clientele_uuid_v7(): time-ordered ids for rows the rollups write set-wise in SQL.
--   * analytics_rollup_organizations(): the scheduled rollup's list of organizations and their
--     time zone (organizations' RLS shows a tenant only itself).

CREATE TABLE analytics_event_ids (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  id              uuid NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX idx_analytics_event_ids_created ON analytics_event_ids (created_at);
SELECT clientele_tenant_table('analytics_event_ids', 'SELECT, INSERT');

-- RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits (version and variant set).
CREATE OR REPLACE FUNCTION clientele_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
           PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
         52, 1), 53, 1), 'hex')::uuid
$$;
GRANT EXECUTE ON FUNCTION clientele_uuid_v7() TO clientele_app;

CREATE OR REPLACE FUNCTION analytics_rollup_organizations()
RETURNS TABLE (organization_id uuid, timezone text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id, nullif(settings->>'timezone', '') FROM organizations WHERE deleted_at IS NULL ORDER BY id
$$;
REVOKE ALL ON FUNCTION analytics_rollup_organizations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics_rollup_organizations() TO clientele_app;

-- The ids are needed as long as their events are kept (90 days): the maintenance job purges them.
CREATE OR REPLACE FUNCTION clientele_purge_analytics_event_ids(p_keep interval DEFAULT interval '90 days')
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE n integer;
BEGIN
  DELETE FROM analytics_event_ids WHERE created_at < now() - p_keep;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION clientele_purge_analytics_event_ids(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_purge_analytics_event_ids(interval) TO clientele_app;
