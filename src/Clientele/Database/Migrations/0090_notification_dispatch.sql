-- Issue 13 item 3: one way to notify people. clientele_notify() is the only writer of
-- notifications: it honours each recipient's notification_preferences (per type = category) for
-- in-app and email, and queues the email immediately (outbox topic notifications.email) or for the
-- hourly/daily/weekly digest due at the recipient's local morning. C#'s NotificationDispatcher and
-- the database's own notices (plan limits) both call it.

-- read_at says when is_read became true; a row is never read without it, or unread with it.
UPDATE notifications SET read_at = coalesce(read_at, created_at) WHERE is_read AND read_at IS NULL;
UPDATE notifications SET read_at = NULL WHERE NOT is_read AND read_at IS NOT NULL;
CREATE OR REPLACE FUNCTION clientele_notification_read_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.is_read AND NEW.read_at IS NULL THEN NEW.read_at := now(); END IF;
  IF NOT NEW.is_read THEN NEW.read_at := NULL; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER notifications_read_at BEFORE INSERT OR UPDATE OF is_read, read_at ON notifications
  FOR EACH ROW EXECUTE FUNCTION clientele_notification_read_at();
ALTER TABLE notifications ADD CONSTRAINT notifications_read_at_consistent CHECK (is_read = (read_at IS NOT NULL));

-- The bell: any change to a user's notifications tells that user's open consoles at commit, on the
-- console's channel ("bell:<organization id>:<user id>"; PostgreSQL folds the identical notices of a transaction).
CREATE OR REPLACE FUNCTION clientele_notify_bell() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  PERFORM pg_notify('clientele_console', 'bell:' || r.organization_id::text || ':' || r.user_id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER notifications_notify_bell AFTER INSERT OR UPDATE OR DELETE ON notifications
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_bell();

-- Emails owed for notifications: sent at once (immediate) or gathered into one digest per user
-- when due_at comes (the recipient's next local 08:00 for daily, Monday 08:00 for weekly).
-- The content is copied: an email is still owed when the in-app copy is off or deleted.
CREATE TABLE notification_emails (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  notification_id uuid,
  type            varchar(50) NOT NULL,
  category        varchar(50) NOT NULL,
  title           varchar(255) NOT NULL,
  message         text NOT NULL,
  link            text,
  frequency       varchar(20) NOT NULL CHECK (frequency IN ('immediate', 'hourly', 'daily', 'weekly')),
  due_at          timestamptz NOT NULL DEFAULT now(),
  status          varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
  sent_at         timestamptz,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  CHECK (status <> 'sent' OR sent_at IS NOT NULL),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_notification_emails_due ON notification_emails (organization_id, user_id, due_at) WHERE status = 'pending';
CREATE INDEX idx_notification_emails_pending ON notification_emails (due_at) WHERE status = 'pending' AND frequency <> 'immediate';
CREATE INDEX idx_notification_emails_created ON notification_emails (created_at);
SELECT clientele_tenant_table('notification_emails', 'SELECT, INSERT, UPDATE');

-- A time zone name PostgreSQL knows, else UTC (users.timezone is free text).
CREATE OR REPLACE FUNCTION clientele_valid_tz(p_tz text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT name FROM pg_timezone_names WHERE name = p_tz LIMIT 1), 'UTC')
$$;

-- When a digest of that frequency is due after p_at: the next top of the hour, the next local
-- 08:00, or the next local Monday 08:00 in time zone p_tz.
CREATE OR REPLACE FUNCTION clientele_digest_due(p_frequency text, p_tz text, p_at timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  tz    text := clientele_valid_tz(p_tz);
  local timestamp := p_at AT TIME ZONE tz;
  due   timestamp;
BEGIN
  IF p_frequency = 'hourly' THEN RETURN date_trunc('hour', p_at) + interval '1 hour'; END IF;
  IF p_frequency = 'daily' THEN
    due := date_trunc('day', local) + interval '8 hours';
    IF due <= local THEN due := due + interval '1 day'; END IF;
  ELSIF p_frequency = 'weekly' THEN
    due := date_trunc('week', local) + interval '8 hours';
    IF due <= local THEN due := due + interval '7 days'; END IF;
  ELSE
    RETURN p_at;
  END IF;
  RETURN due AT TIME ZONE tz;
END $$;

-- The dispatcher. Recipients: active users among p_users or with a role in p_roles. p_quiet: no
-- notification of the category in that window (a persisting condition does not flood anyone).
-- Per recipient and type (= category): in-app unless in_app_enabled is false; email unless
-- email_enabled is false or the frequency is never (defaults: both on, immediate, as seed 002).
-- Returns how many recipients were reached by either.
CREATE OR REPLACE FUNCTION clientele_notify(p_org uuid, p_users uuid[], p_roles text[], p_type text, p_category text,
  p_title text, p_message text, p_data jsonb DEFAULT NULL, p_link text DEFAULT NULL, p_quiet interval DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  r       record;
  n_id    uuid;
  e_id    uuid;
  reached integer := 0;
  tz      text;
BEGIN
  IF p_quiet IS NOT NULL AND p_quiet > interval '0' AND (
       EXISTS (SELECT 1 FROM notifications n WHERE n.organization_id = p_org AND n.category = p_category AND n.created_at > now() - p_quiet)
    OR EXISTS (SELECT 1 FROM notification_emails e WHERE e.organization_id = p_org AND e.category = p_category AND e.created_at > now() - p_quiet)) THEN
    RETURN 0;
  END IF;
  SELECT o.settings->>'timezone' INTO tz FROM organizations o WHERE o.id = p_org;
  FOR r IN
    SELECT u.id, nullif(u.preferences->>'timezone', '') AS timezone, coalesce(p.in_app_enabled, true) AS in_app,
           CASE WHEN coalesce(p.email_enabled, true) THEN coalesce(p.email_frequency, 'immediate') ELSE 'never' END AS frequency
    FROM users u
    LEFT JOIN notification_preferences p ON p.organization_id = u.organization_id AND p.user_id = u.id AND p.notification_type = p_category
    WHERE u.organization_id = p_org AND u.deleted_at IS NULL AND u.is_active
      AND (u.id = ANY(coalesce(p_users, '{}')) OR u.role = ANY(coalesce(p_roles, '{}')))
  LOOP
    n_id := NULL;
    IF r.in_app THEN
      n_id := gen_random_uuid();
      INSERT INTO notifications (id, organization_id, user_id, type, category, title, message, data, link)
      VALUES (n_id, p_org, r.id, p_type, p_category, left(p_title, 255), p_message, p_data, p_link);
    END IF;
    IF r.frequency <> 'never' THEN
      e_id := gen_random_uuid();
      INSERT INTO notification_emails (id, organization_id, user_id, notification_id, type, category, title, message, link, frequency, due_at)
      VALUES (e_id, p_org, r.id, n_id, p_type, p_category, left(p_title, 255), p_message, p_link, r.frequency,
              clientele_digest_due(r.frequency, coalesce(r.timezone, tz), now()));
      IF r.frequency = 'immediate' THEN
        INSERT INTO outbox (id, organization_id, topic, payload)
        VALUES (gen_random_uuid(), p_org, 'notifications.email', jsonb_build_object('email_id', e_id));
      END IF;
    END IF;
    IF r.in_app OR r.frequency <> 'never' THEN reached := reached + 1; END IF;
  END LOOP;
  RETURN reached;
END $$;
GRANT EXECUTE ON FUNCTION clientele_notify(uuid, uuid[], text[], text, text, text, text, jsonb, text, interval) TO clientele_app;

-- Plan limits (migration 0041) notify owners through the dispatcher too.
CREATE OR REPLACE FUNCTION platform_plan_notice(p_org uuid, p_type text, p_title text, p_message text, p_metric text, p_percent int, p_used bigint, p_max bigint)
RETURNS void LANGUAGE sql AS $$
  SELECT clientele_notify(p_org, NULL, ARRAY['owner'], p_type, 'plan_limit', p_title, p_message,
    jsonb_build_object('limit', 'max_' || p_metric, 'percent', p_percent, 'used', p_used, 'max', p_max), '/app/settings/plan');
$$;

-- The digest job finds its work across organizations here, then sends inside each tenant.
CREATE OR REPLACE FUNCTION clientele_notification_digest_orgs(p_now timestamptz)
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT e.organization_id FROM notification_emails e
  WHERE e.status = 'pending' AND e.frequency <> 'immediate' AND e.due_at <= p_now
$$;
REVOKE ALL ON FUNCTION clientele_notification_digest_orgs(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_notification_digest_orgs(timestamptz) TO clientele_app;

-- Retention: read notifications (and finished emails) older than p_older_than go, in every organization.
CREATE OR REPLACE FUNCTION clientele_purge_notifications(p_older_than interval)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE n integer;
BEGIN
  DELETE FROM notifications WHERE is_read AND read_at < now() - p_older_than;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM notification_emails WHERE status <> 'pending' AND created_at < now() - p_older_than;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION clientele_purge_notifications(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_purge_notifications(interval) TO clientele_app;

-- The activity archive (migration 0011's function is the tenant's own); the scheduled job moves every organization's.
CREATE OR REPLACE FUNCTION clientele_archive_all_activity_logs(p_older_than interval)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE n integer;
BEGIN
  WITH moved AS (DELETE FROM activity_logs WHERE created_at < now() - p_older_than RETURNING *)
  INSERT INTO activity_logs_archive SELECT * FROM moved;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION clientele_archive_all_activity_logs(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_archive_all_activity_logs(interval) TO clientele_app;

-- Approvals wait for a person: every way one is made (copilot, save plays, triggers) tells the
-- owners and admins through the dispatcher.
CREATE OR REPLACE FUNCTION clientele_notify_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM clientele_notify(NEW.organization_id, NULL, ARRAY['owner', 'admin'], 'info', 'approval_requested',
    'Approval needed: ' || replace(NEW.action, '_', ' '), coalesce(nullif(NEW.details, ''), 'An AI agent proposed an action that needs a decision.'),
    jsonb_build_object('approval_id', NEW.id, 'agent_id', NEW.agent_id), '/app/approvals');
  RETURN NULL;
END $$;
CREATE TRIGGER approvals_notify AFTER INSERT ON approvals
  FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION clientele_notify_approval();
