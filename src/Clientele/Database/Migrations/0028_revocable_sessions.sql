-- Issue 8: server-side sessions that can be revoked, a per-account login throttle, and
-- NOTIFY on every change that must end a credential at once on every node (docs/security.md).

-- One row per signed-in browser. The cookie only carries the session id; the row decides.
CREATE TABLE user_sessions (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  revoked_reason  varchar(50),
  ip_address      varchar(64),
  user_agent      text,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_user_sessions_user ON user_sessions (organization_id, user_id) WHERE revoked_at IS NULL;
SELECT clientele_tenant_table('user_sessions');

-- A session is looked up before any tenant is known (like API keys): a SECURITY DEFINER
-- function that also slides the idle expiry (at most once a minute) within the absolute limit.
-- It returns facts, not a verdict: the app decides on every request (expiry, revocation, activity).
CREATE OR REPLACE FUNCTION clientele_authenticate_session(p_id uuid, p_idle interval, p_max interval)
RETURNS TABLE (session_id uuid, organization_id uuid, user_id uuid, role varchar, user_active boolean,
               expires_at timestamptz, revoked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE user_sessions s SET last_seen_at = now(), expires_at = least(now() + p_idle, s.created_at + p_max)
  WHERE s.id = p_id AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at < now() - interval '1 minute';
  RETURN QUERY
    SELECT s.id, s.organization_id, s.user_id, u.role, (u.is_active AND u.deleted_at IS NULL), s.expires_at, s.revoked_at IS NOT NULL
    FROM user_sessions s JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
    WHERE s.id = p_id;
END $$;

-- API keys: return the key's facts including its expiry and its user's current role and state;
-- the app checks expiry on every request and caps the key's scopes at the user's role.
DROP FUNCTION clientele_authenticate_api_key(bytea);
CREATE FUNCTION clientele_authenticate_api_key(p_hash bytea)
RETURNS TABLE (api_key_id uuid, organization_id uuid, user_id uuid, scopes text[], expires_at timestamptz,
               user_role varchar, user_active boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE api_keys k SET last_used_at = now()
  WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
    AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute');
  RETURN QUERY
    SELECT k.id, k.organization_id, k.user_id, k.scopes, k.expires_at, u.role, (u.id IS NULL OR (u.is_active AND u.deleted_at IS NULL))
    FROM api_keys k LEFT JOIN users u ON u.organization_id = k.organization_id AND u.id = k.user_id
    WHERE k.key_hash = p_hash AND k.revoked_at IS NULL;
END $$;

-- Per-account login throttle, keyed by SHA-256 of the lower-cased email so that unknown
-- emails are throttled exactly like known ones (no enumeration through the lockout).
CREATE TABLE login_throttle (
  email_key    bytea PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_throttle FORCE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION clientele_login_locked_until(p_key bytea) RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT locked_until FROM login_throttle WHERE email_key = p_key AND locked_until > now()
$$;

-- Counts a failure; from the threshold on, locks for base * 2^(failures - threshold) seconds (capped).
-- Failures older than a day are forgotten.
CREATE OR REPLACE FUNCTION clientele_login_failed(p_key bytea, p_threshold integer, p_base_seconds integer, p_max_seconds integer)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE n integer; until timestamptz;
BEGIN
  INSERT INTO login_throttle AS t (email_key, failures, updated_at) VALUES (p_key, 1, now())
  ON CONFLICT (email_key) DO UPDATE
    SET failures = CASE WHEN t.updated_at < now() - interval '1 day' THEN 1 ELSE t.failures + 1 END, updated_at = now()
  RETURNING failures INTO n;
  IF n >= p_threshold THEN
    until := now() + make_interval(secs => least(p_max_seconds::double precision, p_base_seconds * power(2, least(n - p_threshold, 20))));
    UPDATE login_throttle SET locked_until = until WHERE email_key = p_key;
  END IF;
  DELETE FROM login_throttle WHERE updated_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  RETURN until;
END $$;

CREATE OR REPLACE FUNCTION clientele_login_succeeded(p_key bytea) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  DELETE FROM login_throttle WHERE email_key = p_key
$$;

-- Revocation reaches every node: a change to what a credential may do revokes the user's
-- sessions and NOTIFYs clientele_auth (each node drops its cached lookups on receipt).
CREATE OR REPLACE FUNCTION clientele_users_security_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('clientele_auth', 'user:' || OLD.id);
    RETURN OLD;
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role OR NEW.is_active IS DISTINCT FROM OLD.is_active
     OR NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at
     OR lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
    UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'account changed'
    WHERE organization_id = NEW.organization_id AND user_id = NEW.id AND revoked_at IS NULL;
    PERFORM pg_notify('clientele_auth', 'user:' || NEW.id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_security_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION clientele_users_security_change();

CREATE OR REPLACE FUNCTION clientele_session_revoked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('clientele_auth', 'session:' || NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER user_sessions_revoked AFTER UPDATE OF revoked_at ON user_sessions
  FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
  EXECUTE FUNCTION clientele_session_revoked();

CREATE OR REPLACE FUNCTION clientele_api_key_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('clientele_auth', 'key:' || encode(OLD.key_hash, 'hex'));
    RETURN OLD;
  END IF;
  IF NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.scopes IS DISTINCT FROM OLD.scopes OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
    PERFORM pg_notify('clientele_auth', 'key:' || encode(NEW.key_hash, 'hex'));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION clientele_api_key_changed();

REVOKE ALL ON FUNCTION clientele_authenticate_session(uuid, interval, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_authenticate_api_key(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_login_locked_until(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_login_failed(bytea, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_login_succeeded(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_authenticate_session(uuid, interval, interval) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_authenticate_api_key(bytea) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_login_locked_until(bytea) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_login_failed(bytea, integer, integer, integer) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_login_succeeded(bytea) TO clientele_app;
