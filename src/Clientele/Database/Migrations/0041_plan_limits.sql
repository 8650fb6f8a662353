-- Issue 10 item 9: the platform plan's limits on organizations (seed 002's max_users, max_agents,
-- max_messages, max_storage), enforced here so that every write path (API, console, pipeline,
-- imports) agrees. Over a limit the insert fails with SQLSTATE 'CL402' (a 402 problem of type
-- .../problems/plan-limit naming the limit, its value and the current use). Owners get one
-- notification at 80% and one at 100% of each limit per calendar month. NULL = unlimited.

-- A new organization trials with the trial allowance; the seed's defaults (1 user, 1 agent, 1,000
-- messages, 100 MB) are the free plan's, which Stripe webhooks set when a subscription ends.
ALTER TABLE organizations
  ALTER COLUMN max_users SET DEFAULT 10,
  ALTER COLUMN max_agents SET DEFAULT 5,
  ALTER COLUMN max_messages SET DEFAULT 10000,
  ALTER COLUMN max_storage SET DEFAULT 1073741824;

-- Use per metric and calendar month: messages counted as they are written (AI replies and
-- outbound messages: role assistant, by the month of their timestamp); users and agents as a
-- snapshot at the last change. warned_at (80%) and reached_at (100%) make each threshold notify once a month.
CREATE TABLE plan_usage (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  metric          varchar(20) NOT NULL CHECK (metric IN ('users', 'agents', 'messages', 'storage')),
  period_start    date NOT NULL,
  used            bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
  warned_at  timestamptz,
  reached_at timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, metric, period_start)
);
SELECT clientele_tenant_table('plan_usage', 'SELECT, INSERT, UPDATE');

-- Checks one limit for p_adding more and records the use; raises CL402 past the limit.
CREATE OR REPLACE FUNCTION platform_plan_limit(p_org uuid, p_metric text, p_used bigint, p_adding bigint, p_period date)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  lim   bigint;
  plan  text;
  total bigint := p_used + p_adding;
  u     plan_usage%ROWTYPE;
  label text := CASE p_metric WHEN 'messages' THEN 'messages this month' WHEN 'storage' THEN 'bytes of storage' ELSE p_metric END;
BEGIN
  EXECUTE format('SELECT max_%s, plan FROM organizations WHERE id = $1', p_metric) INTO lim, plan USING p_org;
  IF lim IS NULL THEN RETURN; END IF;
  IF total > lim THEN
    RAISE EXCEPTION 'The % plan allows % %; % in use. Upgrade the plan to add more.', plan, lim, label, p_used
      USING ERRCODE = 'CL402', COLUMN = 'max_' || p_metric,
            HINT = json_build_object('limit', 'max_' || p_metric, 'max', lim, 'used', p_used, 'plan', plan)::text;
  END IF;
  INSERT INTO plan_usage (organization_id, metric, period_start, used) VALUES (p_org, p_metric, p_period, total)
  ON CONFLICT (organization_id, metric, period_start) DO UPDATE SET used = EXCLUDED.used, updated_at = now()
  RETURNING * INTO u;
  IF lim > 0 AND total * 100 >= lim * 80 AND u.warned_at IS NULL AND total < lim THEN
    UPDATE plan_usage SET warned_at = now() WHERE id = u.id;
    PERFORM platform_plan_notice(p_org, 'warning', format('%s%% of your %s limit', 80, p_metric),
      format('%s of %s %s are used on the %s plan.', total, lim, label, plan), p_metric, 80, total, lim);
  END IF;
  IF lim > 0 AND total >= lim AND u.reached_at IS NULL THEN
    UPDATE plan_usage SET reached_at = now(), warned_at = coalesce(warned_at, now()) WHERE id = u.id;
    PERFORM platform_plan_notice(p_org, 'error', format('%s limit reached', initcap(p_metric)),
      format('All %s %s of the %s plan are used; upgrade the plan to add more.', lim, label, plan), p_metric, 100, total, lim);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION platform_plan_notice(p_org uuid, p_type text, p_title text, p_message text, p_metric text, p_percent int, p_used bigint, p_max bigint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO notifications (id, organization_id, user_id, type, category, title, message, data, link)
  SELECT gen_random_uuid(), u.organization_id, u.id, p_type, 'plan_limit', p_title, p_message,
         jsonb_build_object('limit', 'max_' || p_metric, 'percent', p_percent, 'used', p_used, 'max', p_max), '/app/settings/plan'
  FROM users u WHERE u.organization_id = p_org AND u.role = 'owner' AND u.deleted_at IS NULL AND u.is_active
$$;

-- Seats: active users plus pending invitations. One lock per organization and metric
-- serializes concurrent additions (two invitations at once cannot both take the last seat).
CREATE OR REPLACE FUNCTION platform_seat_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE used bigint;
BEGIN
  -- (nested: PL/pgSQL does not short-circuit, and each table lacks the other's columns)
  IF TG_TABLE_NAME = 'users' THEN
    IF NOT (NEW.is_active AND NEW.deleted_at IS NULL) THEN RETURN NEW; END IF;
  ELSE
    IF NEW.status <> 'pending' THEN RETURN NEW; END IF;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('plan_limit:users:' || NEW.organization_id::text, 0));
  SELECT (SELECT count(*) FROM users WHERE organization_id = NEW.organization_id AND is_active AND deleted_at IS NULL)
       + (SELECT count(*) FROM team_invitations WHERE organization_id = NEW.organization_id AND status = 'pending' AND expires_at > now())
    INTO used;
  PERFORM platform_plan_limit(NEW.organization_id, 'users', used, 1, date_trunc('month', now() AT TIME ZONE 'UTC')::date);
  RETURN NEW;
END $$;
CREATE TRIGGER users_plan_limit BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION platform_seat_limit();
CREATE TRIGGER team_invitations_plan_limit BEFORE INSERT ON team_invitations FOR EACH ROW EXECUTE FUNCTION platform_seat_limit();

CREATE OR REPLACE FUNCTION platform_agent_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE used bigint;
BEGIN
  IF NOT NEW.is_active THEN RETURN NEW; END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('plan_limit:agents:' || NEW.organization_id::text, 0));
  SELECT count(*) INTO used FROM agents WHERE organization_id = NEW.organization_id AND is_active;
  PERFORM platform_plan_limit(NEW.organization_id, 'agents', used, 1, date_trunc('month', now() AT TIME ZONE 'UTC')::date);
  RETURN NEW;
END $$;
CREATE TRIGGER agents_plan_limit BEFORE INSERT ON agents FOR EACH ROW EXECUTE FUNCTION platform_agent_limit();

-- Messages: AI replies and outbound messages (role assistant), per calendar month of their timestamp.
CREATE OR REPLACE FUNCTION platform_message_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  period date := date_trunc('month', NEW."timestamp" AT TIME ZONE 'UTC')::date;
  used   bigint;
BEGIN
  IF NEW.role <> 'assistant' THEN RETURN NEW; END IF;
  -- The counter row's lock serializes the organization's replies of the month (short: one row update).
  INSERT INTO plan_usage (organization_id, metric, period_start, used) VALUES (NEW.organization_id, 'messages', period, 0)
  ON CONFLICT (organization_id, metric, period_start) DO NOTHING;
  SELECT p.used INTO used FROM plan_usage p WHERE p.organization_id = NEW.organization_id AND p.metric = 'messages' AND p.period_start = period FOR UPDATE;
  PERFORM platform_plan_limit(NEW.organization_id, 'messages', used, 1, period);
  RETURN NEW;
END $$;
CREATE TRIGGER messages_plan_limit BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION platform_message_limit();

-- Messages already written count for their month.
INSERT INTO plan_usage (organization_id, metric, period_start, used)
SELECT organization_id, 'messages', date_trunc('month', "timestamp" AT TIME ZONE 'UTC')::date, count(*)
FROM messages WHERE role = 'assistant' GROUP BY 1, 3;
