-- Issue 13 item 5: privacy requests. An erased customer keeps its row (amounts, counts and every
-- aggregate stay) with erased_at set; a second erase does nothing.
ALTER TABLE customers ADD COLUMN erased_at timestamptz;

-- The last step of an erase: every text, varchar, json(b) and text-array column of every table of
-- the organization (audit_logs, activity_logs, notifications, domain_events, the outbox, ... too)
-- loses the given needles (the customer's names, addresses and phone numbers), case-insensitively,
-- replaced by '[erased]'. The organization's own people (users, invitations, keys, sessions) are not
-- customers and are left alone. Owner rights: the append-only audit log and the guards of frozen
-- rows (sent quotes, paid invoices) would refuse the app role, so user triggers are off for the
-- sweep (session_replication_role when the owner may set it, else per table). Only the caller's
-- own organization, and only needles of at least 3 characters.
CREATE OR REPLACE FUNCTION clientele_erase_text(p_org uuid, p_needles text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  t        record;
  v_needle text[];
  v_regex  text;
  v_sets   text;
  v_where  text;
  v_count  integer;
  v_total  integer := 0;
  v_replica boolean := false;
  v_disable boolean;
BEGIN
  IF p_org IS NULL OR p_org IS DISTINCT FROM nullif(current_setting('clientele.organization_id', true), '')::uuid THEN
    RAISE EXCEPTION 'clientele_erase_text: only the current organization' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- each needle also as it appears inside JSON text (quotes and backslashes escaped)
  SELECT array_agg(DISTINCT n) INTO v_needle FROM (
    SELECT btrim(x) AS n FROM unnest(p_needles) x
    UNION SELECT substr(to_jsonb(btrim(x))::text, 2, length(to_jsonb(btrim(x))::text) - 2) FROM unnest(p_needles) x) s
  WHERE length(n) >= 3;
  IF v_needle IS NULL THEN RETURN 0; END IF;
  SELECT '(' || string_agg(regexp_replace(n, '([!$()*+.:<=>?\[\\\]^{|}-])', '\\\1', 'g'), '|' ORDER BY length(n) DESC) || ')'
    INTO v_regex FROM unnest(v_needle) n;
  BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    v_replica := true;
  EXCEPTION WHEN insufficient_privilege THEN v_replica := false;
  END;
  -- a bounce recorded for the person's address is about them and nothing else: it goes
  DELETE FROM email_bounces WHERE organization_id = p_org AND lower(address) = ANY (SELECT lower(x) FROM unnest(v_needle) x);
  FOR t IN
    SELECT c.oid, c.oid::regclass AS rel,
           string_agg(format('%I = %s', a.attname, CASE
             WHEN a.atttypid IN ('jsonb'::regtype, 'json'::regtype)
               THEN format('regexp_replace(%I::text, $2, ''[erased]'', ''gi'')::%s', a.attname, format_type(a.atttypid, a.atttypmod))
             WHEN a.atttypid IN ('text[]'::regtype, 'varchar[]'::regtype)
               THEN format('ARRAY(SELECT regexp_replace(e, $2, ''[erased]'', ''gi'') FROM unnest(%I) WITH ORDINALITY u(e, i) ORDER BY i)::%s', a.attname, format_type(a.atttypid, a.atttypmod))
             ELSE format('regexp_replace(%I, $2, ''[erased]'', ''gi'')::%s', a.attname, format_type(a.atttypid, a.atttypmod))
           END), ', ' ORDER BY a.attnum) AS sets,
           string_agg(format('%I::text ~* $2', a.attname), ' OR ' ORDER BY a.attnum) AS cond,
           EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal) AS has_triggers
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname <> ALL (ARRAY['users', 'team_invitations', 'api_keys', 'user_sessions', 'password_reset_tokens', 'organizations'])
      AND EXISTS (SELECT 1 FROM pg_attribute o WHERE o.attrelid = c.oid AND o.attname = 'organization_id' AND NOT o.attisdropped)
      AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'jsonb'::regtype, 'json'::regtype, 'text[]'::regtype, 'varchar[]'::regtype)
    GROUP BY c.oid
  LOOP
    v_disable := NOT v_replica AND t.has_triggers;
    IF v_disable THEN EXECUTE format('ALTER TABLE %s DISABLE TRIGGER USER', t.rel); END IF;
    EXECUTE format('UPDATE %s SET %s WHERE organization_id = $1 AND (%s)', t.rel, t.sets, t.cond) USING p_org, v_regex;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_total := v_total + v_count;
    IF v_disable THEN EXECUTE format('ALTER TABLE %s ENABLE TRIGGER USER', t.rel); END IF;
  END LOOP;
  IF v_replica THEN PERFORM set_config('session_replication_role', 'origin', true); END IF;
  RETURN v_total;
END $$;
REVOKE ALL ON FUNCTION clientele_erase_text(uuid, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_erase_text(uuid, text[]) TO clientele_app;
