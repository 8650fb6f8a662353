-- Seed 002 team collaboration and notifications: invitations, the tenant activity feed
-- (with its archive), notifications and per-user notification preferences.

CREATE TABLE team_invitations (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  invited_by      uuid NOT NULL,
  email           varchar(255) NOT NULL,
  -- An invitation grants one of the users roles; ownership is transferred, not invited.
  role            varchar(50) NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
  -- Random secret sent by email (the app may store its hash here).
  token           varchar(255) NOT NULL,
  status          varchar(50) NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'accepted', 'expired', 'revoked')),
  expires_at      timestamptz NOT NULL,
  accepted_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, token),
  CHECK (status <> 'accepted' OR accepted_at IS NOT NULL),
  FOREIGN KEY (organization_id, invited_by) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_team_invitations_email ON team_invitations (organization_id, lower(email));
-- Accepting an invitation looks it up by token before the tenant is known.
CREATE INDEX idx_team_invitations_token ON team_invitations (token);
CREATE INDEX idx_team_invitations_status ON team_invitations (organization_id, status);
-- At most one open invitation per address and organization.
CREATE UNIQUE INDEX team_invitations_one_pending ON team_invitations (organization_id, lower(email))
  WHERE status = 'pending';
SELECT clientele_tenant_table('team_invitations');

-- The invitee is not yet a user of the organization: the accept flow resolves the
-- invitation (and so the tenant) from its token through this definer function.
CREATE OR REPLACE FUNCTION clientele_find_invitation(p_token text)
RETURNS TABLE (invitation_id uuid, organization_id uuid, email varchar, role varchar, status varchar, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT i.id, i.organization_id, i.email, i.role, i.status, i.expires_at FROM team_invitations i
  WHERE i.token = p_token
$$;
REVOKE ALL ON FUNCTION clientele_find_invitation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_invitation(text) TO clientele_app;

-- The tenant-visible activity feed (audit_logs is the immutable security trail).
CREATE TABLE activity_logs (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid,
  actor_name      varchar(255) NOT NULL,
  action_type     varchar(100) NOT NULL,
  resource_type   varchar(100),
  resource_id     uuid,
  resource_name   varchar(255),
  metadata        jsonb,
  ip_address      inet,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
);
CREATE INDEX idx_activity_logs_organization_id ON activity_logs (organization_id, created_at DESC);
CREATE INDEX idx_activity_logs_user_id ON activity_logs (organization_id, user_id);
CREATE INDEX idx_activity_logs_action_type ON activity_logs (organization_id, action_type);
CREATE INDEX idx_activity_logs_created_at ON activity_logs (created_at);
CREATE INDEX idx_activity_logs_resource ON activity_logs (organization_id, resource_type, resource_id);
SELECT clientele_tenant_table('activity_logs');

-- Seed 002 retention: rows older than a year move here. LIKE ... INCLUDING ALL copies
-- columns, defaults, checks and indexes but not foreign keys: an archived row may name a
-- user who has since been deleted, so only the tenant reference is added back.
CREATE TABLE activity_logs_archive (LIKE activity_logs INCLUDING ALL);
ALTER TABLE activity_logs_archive
  ADD FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
SELECT clientele_tenant_table('activity_logs_archive');

-- Moves activity older than p_older_than into the archive (seed 002 retention job).
-- SECURITY INVOKER: run by the app under a tenant, it moves only that tenant's rows;
-- run by the owner it moves everything.
CREATE OR REPLACE FUNCTION clientele_archive_activity_logs(p_older_than interval DEFAULT interval '1 year')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  WITH moved AS (
    DELETE FROM activity_logs WHERE created_at < now() - p_older_than RETURNING *
  )
  INSERT INTO activity_logs_archive SELECT * FROM moved;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION clientele_archive_activity_logs(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_archive_activity_logs(interval) TO clientele_app;

CREATE TABLE notifications (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type            varchar(50) NOT NULL CHECK (type IN ('info', 'success', 'warning', 'error')),
  category        varchar(50) NOT NULL,
  title           varchar(255) NOT NULL,
  message         text NOT NULL,
  data            jsonb,
  link            text,
  is_read         boolean NOT NULL DEFAULT false,
  read_at         timestamptz,
  is_archived     boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_notifications_user_id ON notifications (organization_id, user_id);
CREATE INDEX idx_notifications_is_read ON notifications (organization_id, is_read);
CREATE INDEX idx_notifications_created_at ON notifications (created_at);
CREATE INDEX idx_notifications_type ON notifications (organization_id, type);
CREATE INDEX idx_notifications_unread ON notifications (organization_id, user_id, created_at DESC) WHERE is_read = false;
SELECT clientele_tenant_table('notifications');

-- Seed 002 has no organization_id here (it hangs off users); the tenant column is added so
-- the table is isolated like every other tenant table.
CREATE TABLE notification_preferences (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id           uuid NOT NULL,
  notification_type varchar(100) NOT NULL,
  in_app_enabled    boolean NOT NULL DEFAULT true,
  email_enabled     boolean NOT NULL DEFAULT true,
  email_frequency   varchar(50) NOT NULL DEFAULT 'immediate'
                    CHECK (email_frequency IN ('immediate', 'hourly', 'daily', 'weekly', 'never')),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, user_id, notification_type),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_notification_preferences_user_id ON notification_preferences (organization_id, user_id);
SELECT clientele_tenant_table('notification_preferences');
