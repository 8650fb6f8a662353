-- Seed 002 admin platform: platform staff (admin_users) and their immutable audit trail
-- are a separate realm, NOT tenant tables: no organization_id, no tenant policy and no
-- grant to clientele_app (the admin console uses the owner connection).
-- Support tickets and their comments are tenant tables (a tenant sees its own tickets);
-- staff are assigned from admin_users.

CREATE TABLE admin_users (
  id            uuid PRIMARY KEY,
  email         varchar(255) NOT NULL,
  password_hash varchar(255) NOT NULL,
  full_name     varchar(255) NOT NULL,
  admin_role    varchar(50) NOT NULL
                CHECK (admin_role IN ('super_admin', 'admin', 'support', 'billing', 'read_only')),
  is_active     boolean NOT NULL DEFAULT true,
  last_login_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- Seed: email UNIQUE; case-insensitive like users.email.
CREATE UNIQUE INDEX admin_users_email_key ON admin_users (lower(email));
CREATE INDEX idx_admin_users_is_active ON admin_users (is_active);
REVOKE ALL ON admin_users FROM PUBLIC;

-- Append-only. The seed's ON DELETE CASCADE from admin_users would erase an admin's trail
-- (and the append-only trigger would block it anyway): RESTRICT instead; staff who leave
-- are deactivated (is_active = false), not deleted.
CREATE TABLE admin_audit_logs (
  id            uuid PRIMARY KEY,
  admin_user_id uuid NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
  action_type   varchar(100) NOT NULL,
  resource_type varchar(100),
  resource_id   uuid,
  details       jsonb,
  ip_address    inet NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_admin_audit_logs_admin_user_id ON admin_audit_logs (admin_user_id, created_at);
CREATE INDEX idx_admin_audit_logs_action_type ON admin_audit_logs (action_type);
CREATE INDEX idx_admin_audit_logs_created_at ON admin_audit_logs (created_at);
CREATE INDEX idx_admin_audit_logs_resource ON admin_audit_logs (resource_type, resource_id);
REVOKE ALL ON admin_audit_logs FROM PUBLIC;
CREATE TRIGGER admin_audit_logs_immutable BEFORE UPDATE OR DELETE ON admin_audit_logs
  FOR EACH ROW EXECUTE FUNCTION clientele_reject_change();
CREATE TRIGGER admin_audit_logs_no_truncate BEFORE TRUNCATE ON admin_audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION clientele_reject_change();

CREATE TABLE support_tickets (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid,
  subject         varchar(255) NOT NULL,
  description     text NOT NULL,
  priority        varchar(50) NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  status          varchar(50) NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed')),
  -- Platform staff, not a tenant row: a plain FK to the non-tenant admin_users.
  assigned_to     uuid REFERENCES admin_users(id) ON DELETE SET NULL,
  tags            text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  UNIQUE (organization_id, id),
  CHECK (resolved_at IS NULL OR resolved_at >= created_at),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
);
CREATE INDEX idx_support_tickets_status ON support_tickets (organization_id, status);
CREATE INDEX idx_support_tickets_priority ON support_tickets (organization_id, priority);
CREATE INDEX idx_support_tickets_assigned_to ON support_tickets (assigned_to);
CREATE INDEX idx_support_tickets_user_id ON support_tickets (organization_id, user_id);
CREATE INDEX idx_support_tickets_tags ON support_tickets USING gin (tags);
SELECT clientele_tenant_table('support_tickets');

-- Seed 002 hangs comments off the ticket only; organization_id is added so the table is
-- isolated and the ticket reference is composite. author_id names a users row
-- (author_type 'user') or an admin_users row ('admin'): polymorphic, so no FK.
CREATE TABLE support_ticket_comments (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  author_type     varchar(50) NOT NULL CHECK (author_type IN ('user', 'admin', 'system')),
  author_id       uuid NOT NULL,
  comment         text NOT NULL,
  is_internal     boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES support_tickets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ticket_comments_ticket_id ON support_ticket_comments (organization_id, ticket_id, created_at);
CREATE INDEX idx_ticket_comments_created_at ON support_ticket_comments (created_at);
SELECT clientele_tenant_table('support_ticket_comments');
-- Internal comments are staff notes: the tenant's app role neither sees nor writes them.
CREATE POLICY hide_internal_comments ON support_ticket_comments AS RESTRICTIVE TO clientele_app
  USING (NOT is_internal) WITH CHECK (NOT is_internal);
