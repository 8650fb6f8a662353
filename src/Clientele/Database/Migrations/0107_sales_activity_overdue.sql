-- Issue 12 item 4, overdue sales activities (docs/sales.md, "Sales activities"): the job
-- sales.activity_overdue notifies the performer of an activity whose scheduled time has passed
-- without completion, once: overdue_notified_at marks it. Moving scheduled_at clears the mark, so
-- a rescheduled activity that is missed again notifies again.
ALTER TABLE sales_activities ADD COLUMN overdue_notified_at timestamptz;

CREATE OR REPLACE FUNCTION sales_activity_reschedule_clears_overdue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.scheduled_at IS DISTINCT FROM OLD.scheduled_at THEN
    NEW.overdue_notified_at := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sales_activities_reschedule_clears_overdue BEFORE UPDATE OF scheduled_at ON sales_activities
  FOR EACH ROW EXECUTE FUNCTION sales_activity_reschedule_clears_overdue();

-- What the job looks for: scheduled, not completed, not yet notified.
CREATE INDEX idx_sales_activities_overdue ON sales_activities (scheduled_at)
  WHERE completed_at IS NULL AND overdue_notified_at IS NULL AND deleted_at IS NULL AND scheduled_at IS NOT NULL;

-- The job finds the organizations with overdue activities here (RLS hides other tenants' rows
-- from the app role), then works under each one's RLS.
CREATE OR REPLACE FUNCTION sales_orgs_with_overdue_activities(p_now timestamptz)
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT organization_id FROM sales_activities
  WHERE completed_at IS NULL AND overdue_notified_at IS NULL AND deleted_at IS NULL AND scheduled_at IS NOT NULL AND scheduled_at < p_now
$$;
REVOKE ALL ON FUNCTION sales_orgs_with_overdue_activities(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sales_orgs_with_overdue_activities(timestamptz) TO clientele_app;
