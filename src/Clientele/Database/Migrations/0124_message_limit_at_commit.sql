-- Issue 16 (session 8): every AI reply and outbound message counts on the organization's monthly
-- plan_usage row, and the count took that row's lock at the reply's INSERT, so the row stayed locked
-- through the rest of the reply's batch, the trip back to the app and the commit: with two nodes
-- each reply waited ~12-45 ms for the one before it (pipeline bench, pg_stat_statements), which
-- capped an organization's replies at a few dozen a second however many nodes run.
--
-- The count now runs at COMMIT (a deferred constraint trigger): the row is locked from the commit's
-- start to its end, inside one backend with no round trip in between. The limit stays exact (the
-- commits that count serialize on the row, and one that would pass the limit fails with CL402 and
-- rolls its message back, count included), the 80%/100% notices are written in the same commit,
-- and the month's count stays transactional (a crash loses no count). The difference for callers:
-- CL402 is raised by the COMMIT instead of the INSERT (the API maps it to 402 plan-limit either way).

DROP TRIGGER IF EXISTS messages_plan_limit ON messages;

CREATE OR REPLACE FUNCTION platform_message_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  period date := date_trunc('month', NEW."timestamp" AT TIME ZONE 'UTC')::date;
  lim    bigint;
  plan   text;
  u      plan_usage%ROWTYPE;
BEGIN
  UPDATE plan_usage p SET used = p.used + 1, updated_at = now()
  WHERE p.organization_id = NEW.organization_id AND p.metric = 'messages' AND p.period_start = period
  RETURNING p.* INTO u;
  IF NOT FOUND THEN -- the month's first message
    INSERT INTO plan_usage AS p (organization_id, metric, period_start, used) VALUES (NEW.organization_id, 'messages', period, 1)
    ON CONFLICT (organization_id, metric, period_start) DO UPDATE SET used = p.used + 1, updated_at = now()
    RETURNING p.* INTO u;
  END IF;
  SELECT o.max_messages, o.plan INTO lim, plan FROM organizations o WHERE o.id = NEW.organization_id;
  IF lim IS NULL THEN RETURN NULL; END IF;
  PERFORM platform_plan_refuse('messages', u.used, lim, plan, u.used - 1);
  PERFORM platform_plan_thresholds(NEW.organization_id, 'messages', u.id, u.used, lim, plan, u.warned_at, u.reached_at);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER messages_plan_limit AFTER INSERT ON messages
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.role = 'assistant') EXECUTE FUNCTION platform_message_limit();
