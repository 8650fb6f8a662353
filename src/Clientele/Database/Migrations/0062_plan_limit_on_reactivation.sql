-- Issue 10 item 9: reactivating a deactivated (or restoring a deleted) user or agent takes a seat
-- again, so it passes the same plan-limit check as adding one (migration 0041 checked inserts only:
-- deactivate, add someone, reactivate was a way past the limit). The check functions count the
-- active rows, which in a BEFORE UPDATE do not include the row being reactivated yet.
CREATE TRIGGER users_plan_limit_reactivate BEFORE UPDATE OF is_active, deleted_at ON users FOR EACH ROW
  WHEN (coalesce(NEW.is_active, false) AND NEW.deleted_at IS NULL AND NOT (coalesce(OLD.is_active, false) AND OLD.deleted_at IS NULL))
  EXECUTE FUNCTION platform_seat_limit();
CREATE TRIGGER agents_plan_limit_reactivate BEFORE UPDATE OF is_active ON agents FOR EACH ROW
  WHEN (coalesce(NEW.is_active, false) AND NOT coalesce(OLD.is_active, false))
  EXECUTE FUNCTION platform_agent_limit();
