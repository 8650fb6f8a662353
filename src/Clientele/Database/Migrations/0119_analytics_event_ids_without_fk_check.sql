-- Issue 14 (analytics-ingest): analytics_event_ids is written only by the batch endpoint, in the same
-- statement that inserts the events themselves, and analytics_events.organization_id already has its
-- foreign key: the ids table's own key check was a second FK lookup per event (a third of the
-- endpoint's extra PostgreSQL time over a plain COPY). What the foreign key also did, remove the ids
-- of a deleted organization, a row trigger on organizations does now (organizations are rarely deleted).
ALTER TABLE analytics_event_ids DROP CONSTRAINT analytics_event_ids_organization_id_fkey;

CREATE OR REPLACE FUNCTION clientele_drop_analytics_event_ids() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  DELETE FROM analytics_event_ids WHERE organization_id = OLD.id;
  RETURN OLD;
END $$;
REVOKE ALL ON FUNCTION clientele_drop_analytics_event_ids() FROM PUBLIC;

CREATE TRIGGER organizations_drop_analytics_event_ids AFTER DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION clientele_drop_analytics_event_ids();
