-- Issue 16: every AI reply and outbound message passes the max_messages check. It was four
-- statements on the organization's monthly counter row (insert-if-missing, SELECT ... FOR UPDATE,
-- a dynamic EXECUTE of the limit that is planned anew on each call, an upsert of the new count),
-- and under load the row's lock holders queued behind each other (pg_stat_statements in the
-- pipeline bench: the reply insert spent 10-120 ms per message there). Now one UPDATE ... RETURNING
-- counts and locks at once, the limit is a static (cached-plan) read, and a reply past the limit
-- still fails with CL402, which rolls its count back with it. The month's use is now counted on
-- unlimited plans too (it used to stay at 0 there), so Stripe usage reports see it.

-- The 80% and 100% notices, shared by every metric: each threshold notifies once per month.
CREATE OR REPLACE FUNCTION platform_plan_thresholds(p_org uuid, p_metric text, p_usage_id uuid, p_total bigint, p_lim bigint,
  p_plan text, p_warned timestamptz, p_reached timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  label text := CASE p_metric WHEN 'messages' THEN 'messages this month' WHEN 'storage' THEN 'bytes of storage' ELSE p_metric END;
BEGIN
  IF p_lim > 0 AND p_total * 100 >= p_lim * 80 AND p_warned IS NULL AND p_total < p_lim THEN
    UPDATE plan_usage SET warned_at = now() WHERE id = p_usage_id;
    PERFORM platform_plan_notice(p_org, 'warning', format('%s%% of your %s limit', 80, p_metric),
      format('%s of %s %s are used on the %s plan.', p_total, p_lim, label, p_plan), p_metric, 80, p_total, p_lim);
  END IF;
  IF p_lim > 0 AND p_total >= p_lim AND p_reached IS NULL THEN
    UPDATE plan_usage SET reached_at = now(), warned_at = coalesce(warned_at, now()) WHERE id = p_usage_id;
    PERFORM platform_plan_notice(p_org, 'error', format('%s limit reached', initcap(p_metric)),
      format('All %s %s of the %s plan are used; upgrade the plan to add more.', p_lim, label, p_plan), p_metric, 100, p_total, p_lim);
  END IF;
END $$;

-- Snapshots (users, agents, storage): check p_used + p_adding, then record it (as before, 0041).
CREATE OR REPLACE FUNCTION platform_plan_limit(p_org uuid, p_metric text, p_used bigint, p_adding bigint, p_period date)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  lim   bigint;
  plan  text;
  total bigint := p_used + p_adding;
  u     plan_usage%ROWTYPE;
BEGIN
  EXECUTE format('SELECT max_%s, plan FROM organizations WHERE id = $1', p_metric) INTO lim, plan USING p_org;
  IF lim IS NULL THEN RETURN; END IF;
  PERFORM platform_plan_refuse(p_metric, total, lim, plan, p_used);
  INSERT INTO plan_usage (organization_id, metric, period_start, used) VALUES (p_org, p_metric, p_period, total)
  ON CONFLICT (organization_id, metric, period_start) DO UPDATE SET used = EXCLUDED.used, updated_at = now()
  RETURNING * INTO u;
  PERFORM platform_plan_thresholds(p_org, p_metric, u.id, total, lim, plan, u.warned_at, u.reached_at);
END $$;

-- CL402 when total would pass the limit (the API answers 402 plan-limit with these facts).
CREATE OR REPLACE FUNCTION platform_plan_refuse(p_metric text, p_total bigint, p_lim bigint, p_plan text, p_used bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  label text := CASE p_metric WHEN 'messages' THEN 'messages this month' WHEN 'storage' THEN 'bytes of storage' ELSE p_metric END;
BEGIN
  IF p_total > p_lim THEN
    RAISE EXCEPTION 'The % plan allows % %; % in use. Upgrade the plan to add more.', p_plan, p_lim, label, p_used
      USING ERRCODE = 'CL402', COLUMN = 'max_' || p_metric,
            HINT = json_build_object('limit', 'max_' || p_metric, 'max', p_lim, 'used', p_used, 'plan', p_plan)::text;
  END IF;
END $$;

-- Messages: count first (one statement that also takes the row lock), then check.
CREATE OR REPLACE FUNCTION platform_message_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  period date := date_trunc('month', NEW."timestamp" AT TIME ZONE 'UTC')::date;
  lim    bigint;
  plan   text;
  u      plan_usage%ROWTYPE;
BEGIN
  IF NEW.role <> 'assistant' THEN RETURN NEW; END IF;
  UPDATE plan_usage p SET used = p.used + 1, updated_at = now()
  WHERE p.organization_id = NEW.organization_id AND p.metric = 'messages' AND p.period_start = period
  RETURNING p.* INTO u;
  IF NOT FOUND THEN -- the month's first message
    INSERT INTO plan_usage AS p (organization_id, metric, period_start, used) VALUES (NEW.organization_id, 'messages', period, 1)
    ON CONFLICT (organization_id, metric, period_start) DO UPDATE SET used = p.used + 1, updated_at = now()
    RETURNING p.* INTO u;
  END IF;
  SELECT o.max_messages, o.plan INTO lim, plan FROM organizations o WHERE o.id = NEW.organization_id;
  IF lim IS NULL THEN RETURN NEW; END IF;
  PERFORM platform_plan_refuse('messages', u.used, lim, plan, u.used - 1);
  PERFORM platform_plan_thresholds(NEW.organization_id, 'messages', u.id, u.used, lim, plan, u.warned_at, u.reached_at);
  RETURN NEW;
END $$;
