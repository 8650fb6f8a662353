-- Issue 13 item 1: one login, several organizations. A person keeps one users row per organization
-- they belong to (role, activity, preferences and RLS stay per organization: users.organization_id
-- works as before); the rows of one login share the address and the password. The address is now
-- unique per organization, and a row may join an address that signs in elsewhere only with that
-- login's password hash (invitation acceptance copies it after the person typed their password).
DROP INDEX IF EXISTS users_email_key;
CREATE UNIQUE INDEX users_email_per_organization ON users (organization_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_users_login_email ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE OR REPLACE FUNCTION clientele_users_one_login() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF NEW.deleted_at IS NOT NULL THEN RETURN NEW; END IF;
  IF EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(NEW.email) AND u.deleted_at IS NULL AND u.organization_id <> NEW.organization_id)
     AND NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(NEW.email) AND u.deleted_at IS NULL AND u.organization_id <> NEW.organization_id
                     AND u.password_hash IS NOT NULL AND u.password_hash = NEW.password_hash) THEN
    RAISE EXCEPTION '% already signs in to another Clientele organization: invite the address, and the person joins with their own password.', NEW.email
      USING ERRCODE = 'CL409', COLUMN = 'email';
  END IF;
  RETURN NEW;
END $$;
-- (a password change is not checked here: users_share_password below gives it to every row of the login)
CREATE TRIGGER users_one_login BEFORE INSERT OR UPDATE OF email, deleted_at ON users
  FOR EACH ROW EXECUTE FUNCTION clientele_users_one_login();

-- A new password (reset, change) is the login's: every organization's row of the address gets it
-- (and their sessions end, by the users trigger of migration 0028).
CREATE OR REPLACE FUNCTION clientele_users_share_password() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE users SET password_hash = NEW.password_hash
  WHERE lower(email) = lower(NEW.email) AND deleted_at IS NULL AND id <> NEW.id AND password_hash IS DISTINCT FROM NEW.password_hash;
  RETURN NULL;
END $$;
CREATE TRIGGER users_share_password AFTER UPDATE OF password_hash ON users
  FOR EACH ROW WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash AND NEW.deleted_at IS NULL)
  EXECUTE FUNCTION clientele_users_share_password();

-- Sign-in finds the login's rows: active first, then the organization used last.
DROP FUNCTION IF EXISTS clientele_find_login(text);
CREATE FUNCTION clientele_find_login(p_email text)
RETURNS TABLE (user_id uuid, organization_id uuid, password_hash text, role varchar, is_active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT u.id, u.organization_id, u.password_hash, u.role, u.is_active FROM users u
  WHERE lower(u.email) = lower(p_email) AND u.deleted_at IS NULL
  ORDER BY u.is_active DESC, u.last_login_at DESC NULLS LAST, u.created_at
$$;
REVOKE ALL ON FUNCTION clientele_find_login(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_login(text) TO clientele_app;

-- The organizations a signed-in user's login belongs to (the switcher): by the caller's own user id,
-- which the app takes from the verified session, never from input.
CREATE OR REPLACE FUNCTION clientele_login_organizations(p_user uuid)
RETURNS TABLE (organization_id uuid, organization_name text, user_id uuid, role varchar)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT o.id, o.name::text, u.id, u.role FROM users me
  JOIN users u ON lower(u.email) = lower(me.email) AND u.deleted_at IS NULL AND u.is_active
  JOIN organizations o ON o.id = u.organization_id
  WHERE me.id = p_user AND me.deleted_at IS NULL
  ORDER BY lower(o.name), o.id
$$;
REVOKE ALL ON FUNCTION clientele_login_organizations(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_login_organizations(uuid) TO clientele_app;
