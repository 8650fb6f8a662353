-- Issue 14 item 1: support tickets both ways. Staff open a ticket by its id before they know its
-- organization; the lookup answers only in a staff transaction (clientele_is_staff, migration 0095).
CREATE OR REPLACE FUNCTION clientele_staff_ticket_organization(p_ticket uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT organization_id FROM support_tickets WHERE id = p_ticket AND clientele_is_staff()
$$;
REVOKE ALL ON FUNCTION clientele_staff_ticket_organization(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_staff_ticket_organization(uuid) TO clientele_app;

-- A ticket is resolved exactly when it has a resolution time (resolved or closed).
UPDATE support_tickets SET resolved_at = coalesce(resolved_at, created_at) WHERE status IN ('resolved', 'closed');
UPDATE support_tickets SET resolved_at = NULL WHERE status NOT IN ('resolved', 'closed');
ALTER TABLE support_tickets ADD CONSTRAINT support_tickets_resolved_when_resolved
  CHECK ((status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL));
