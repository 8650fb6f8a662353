-- Issue 14: staff accounts managed from /admin/staff by a super_admin: change a role, deactivate or
-- reactivate. The app role still cannot UPDATE admin_role or is_active itself: this function does
-- it, and only inside a staff transaction (clientele.staff_id, see StaffData) of an active
-- super_admin who is not changing their own account (so an active super_admin always remains).
-- Errors: CL403 not an active super_admin, CL404 no such staff member, CL409 own account.
CREATE OR REPLACE FUNCTION clientele_staff_update(p_target uuid, p_role text, p_active boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_actor uuid := nullif(current_setting('clientele.staff_id', true), '')::uuid;
BEGIN
  IF v_actor IS NULL OR NOT EXISTS (SELECT 1 FROM admin_users WHERE id = v_actor AND is_active AND admin_role = 'super_admin') THEN
    RAISE EXCEPTION 'only an active super_admin manages staff accounts' USING ERRCODE = 'CL403';
  END IF;
  IF p_target = v_actor THEN
    RAISE EXCEPTION 'a super_admin does not change their own role or access' USING ERRCODE = 'CL409';
  END IF;
  UPDATE admin_users SET admin_role = coalesce(p_role, admin_role), is_active = coalesce(p_active, is_active) WHERE id = p_target;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such staff member' USING ERRCODE = 'CL404';
  END IF;
END $$;
REVOKE ALL ON FUNCTION clientele_staff_update(uuid, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_staff_update(uuid, text, boolean) TO clientele_app;
