-- Issue 13: password reset by email. One row per requested link; only the SHA-256 of the emailed
-- token is kept, a link lasts one hour and works once. Asking again does not cancel an earlier
-- link (each expires on its own); a successful reset marks every open link of the user used.
CREATE TABLE password_reset_tokens (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  token_hash      varchar(64) NOT NULL UNIQUE,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  ip_address      varchar(64),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_password_reset_tokens_user ON password_reset_tokens (organization_id, user_id) WHERE used_at IS NULL;
SELECT clientele_tenant_table('password_reset_tokens');

-- The visitor has no tenant yet: the link's token resolves the user through this definer function
-- (the same pattern as clientele_find_invitation); the app checks expiry and use under RLS after.
CREATE OR REPLACE FUNCTION clientele_find_password_reset(p_token_hash text)
RETURNS TABLE (reset_id uuid, organization_id uuid, user_id uuid, expires_at timestamptz, used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT t.id, t.organization_id, t.user_id, t.expires_at, t.used_at FROM password_reset_tokens t WHERE t.token_hash = p_token_hash
$$;
REVOKE ALL ON FUNCTION clientele_find_password_reset(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_password_reset(text) TO clientele_app;
