-- Issue 14 item 1: the operator's back office (/admin).
--
-- Staff (admin_users) sign in with a password and a TOTP code; the secret is kept as Data
-- Protection ciphertext and the last accepted time step stops a code from being replayed.
ALTER TABLE admin_users ADD COLUMN totp_secret text;
ALTER TABLE admin_users ADD COLUMN totp_last_step bigint;

-- The app role serves /admin too. It reads staff and may change only what signing in and
-- two-factor enrolment change; staff are created by the CLI on the owner connection.
GRANT SELECT ON admin_users TO clientele_app;
GRANT UPDATE (last_login_at, totp_secret, totp_last_step) ON admin_users TO clientele_app;
-- Append-only for the app: INSERT and SELECT, never UPDATE or DELETE (and the trigger of
-- migration 0013 refuses those to every role).
GRANT SELECT, INSERT ON admin_audit_logs TO clientele_app;

-- A staff transaction says who it is with set_config('clientele.staff_id', id, true); tenant
-- code never sets it. It unlocks internal ticket notes and the organization's suspension.
CREATE OR REPLACE FUNCTION clientele_is_staff() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('clientele.staff_id', true), '') <> ''
$$;
GRANT EXECUTE ON FUNCTION clientele_is_staff() TO clientele_app;

DROP POLICY hide_internal_comments ON support_ticket_comments;
CREATE POLICY hide_internal_comments ON support_ticket_comments AS RESTRICTIVE TO clientele_app
  USING (NOT is_internal OR clientele_is_staff()) WITH CHECK (NOT is_internal OR clientele_is_staff());

-- Suspension (issue 14 item 1): set and cleared by staff only.
ALTER TABLE organizations ADD COLUMN suspended_at timestamptz;
ALTER TABLE organizations ADD COLUMN suspended_reason text;
ALTER TABLE organizations ADD CONSTRAINT organizations_suspension_has_reason
  CHECK (suspended_at IS NULL OR length(btrim(coalesce(suspended_reason, ''))) > 0);

CREATE OR REPLACE FUNCTION clientele_guard_suspension() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.suspended_at IS DISTINCT FROM OLD.suspended_at OR NEW.suspended_reason IS DISTINCT FROM OLD.suspended_reason)
     AND NOT clientele_is_staff() THEN
    RAISE EXCEPTION 'only platform staff suspend or unsuspend an organization' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER organizations_suspension_by_staff BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION clientele_guard_suspension();

-- A suspended organization's webhooks are acknowledged and stored but parked: the workers hold
-- its inbound events back (BackOffice's SuspendedOrganizationGate) until it is unsuspended.

-- The staff's organizations list: every organization with its plan, limits and use. Answers
-- nothing outside a staff transaction.
CREATE OR REPLACE FUNCTION clientele_staff_organizations(p_search text, p_limit integer)
RETURNS TABLE (id uuid, name varchar, email varchar, plan varchar, plan_status varchar, created_at timestamptz,
               suspended_at timestamptz, suspended_reason text,
               max_users integer, max_agents integer, max_messages integer,
               users bigint, agents bigint, messages_this_month bigint, open_tickets bigint, waiting_webhooks bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT o.id, o.name, o.email, o.plan, o.plan_status, o.created_at, o.suspended_at, o.suspended_reason,
         o.max_users, o.max_agents, o.max_messages,
         (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.is_active AND u.deleted_at IS NULL),
         (SELECT count(*) FROM agents a WHERE a.organization_id = o.id AND a.is_active),
         (SELECT count(*) FROM messages m WHERE m.organization_id = o.id AND m.created_at >= date_trunc('month', now())),
         (SELECT count(*) FROM support_tickets t WHERE t.organization_id = o.id AND t.status NOT IN ('resolved', 'closed')),
         (SELECT count(*) FROM inbound_events e WHERE e.organization_id = o.id AND e.status = 'received' AND e.processed_at IS NULL)
  FROM organizations o
  WHERE clientele_is_staff() AND o.deleted_at IS NULL
    AND (p_search IS NULL OR o.name ILIKE '%' || p_search || '%' OR o.email ILIKE '%' || p_search || '%'
         OR o.id::text = p_search)
  ORDER BY o.created_at DESC, o.id
  LIMIT p_limit
$$;
REVOKE ALL ON FUNCTION clientele_staff_organizations(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_staff_organizations(text, integer) TO clientele_app;

-- The staff's ticket queue across organizations (only in a staff transaction).
CREATE OR REPLACE FUNCTION clientele_staff_tickets(p_status text, p_assigned uuid, p_limit integer)
RETURNS TABLE (id uuid, organization_id uuid, organization_name varchar, subject varchar, priority varchar, status varchar,
               assigned_to uuid, created_at timestamptz, resolved_at timestamptz, last_comment_at timestamptz, comments bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT t.id, t.organization_id, o.name, t.subject, t.priority, t.status, t.assigned_to, t.created_at, t.resolved_at,
         (SELECT max(c.created_at) FROM support_ticket_comments c WHERE c.organization_id = t.organization_id AND c.ticket_id = t.id),
         (SELECT count(*) FROM support_ticket_comments c WHERE c.organization_id = t.organization_id AND c.ticket_id = t.id)
  FROM support_tickets t JOIN organizations o ON o.id = t.organization_id
  WHERE clientele_is_staff()
    AND (p_status IS NULL OR (p_status = 'active' AND t.status NOT IN ('resolved', 'closed')) OR t.status = p_status)
    AND (p_assigned IS NULL OR t.assigned_to = p_assigned)
  ORDER BY CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, t.created_at, t.id
  LIMIT p_limit
$$;
REVOKE ALL ON FUNCTION clientele_staff_tickets(text, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_staff_tickets(text, uuid, integer) TO clientele_app;
