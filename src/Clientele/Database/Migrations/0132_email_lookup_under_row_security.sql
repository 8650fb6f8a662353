-- Issue 16 (session 9): a case-insensitive email lookup could not use its lower(email) index under
-- row security. PostgreSQL evaluates a tenant policy before any user condition that calls a function
-- not marked LEAKPROOF, and lower() is not, so `lower(email) = lower($2)` may not become an index
-- condition for clientele_app: the planner read every row of the organization and filtered (pipeline
-- bench: the inbound customer lookup was the costliest statement per message, 207 buffers at ~5,000
-- customers, growing with the organization). Marking lower() LEAKPROOF needs a superuser.
--
-- This function runs the lookup as its owner (which bypasses row security) but only inside the
-- current organization, and returns ids the caller could already see: the callers then read the rows
-- by primary key, under their own policies. An unset organization finds nothing.
CREATE OR REPLACE FUNCTION clientele_ids_by_email(p_table text, p_email text)
RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1 SET search_path = public AS $$
DECLARE org uuid := clientele_current_org();
BEGIN
  IF org IS NULL OR p_email IS NULL THEN RETURN; END IF;
  CASE p_table
    WHEN 'customers' THEN
      RETURN QUERY SELECT t.id FROM customers t WHERE t.organization_id = org AND lower(t.email) = lower(p_email) AND t.deleted_at IS NULL;
    WHEN 'customer_contacts' THEN
      RETURN QUERY SELECT t.id FROM customer_contacts t WHERE t.organization_id = org AND lower(t.email) = lower(p_email) AND t.deleted_at IS NULL;
    WHEN 'leads' THEN
      RETURN QUERY SELECT t.id FROM leads t WHERE t.organization_id = org AND lower(t.email) = lower(p_email) AND t.deleted_at IS NULL;
    WHEN 'prospects' THEN
      RETURN QUERY SELECT t.id FROM prospects t WHERE t.organization_id = org AND lower(t.email) = lower(p_email);
    WHEN 'team_invitations' THEN
      RETURN QUERY SELECT t.id FROM team_invitations t WHERE t.organization_id = org AND lower(t.email) = lower(p_email);
    WHEN 'users' THEN
      RETURN QUERY SELECT t.id FROM users t WHERE t.organization_id = org AND lower(t.email) = lower(p_email) AND t.deleted_at IS NULL;
    ELSE
      RAISE EXCEPTION 'clientele_ids_by_email: no email lookup for table %', p_table USING ERRCODE = '22023';
  END CASE;
END $$;

REVOKE ALL ON FUNCTION clientele_ids_by_email(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_ids_by_email(text, text) TO clientele_app;
