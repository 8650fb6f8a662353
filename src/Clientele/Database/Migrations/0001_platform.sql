-- Platform foundation: tenancy, identities, API keys, audit trail, idempotency and the
-- first resource (customers, seeds 000 + 003 merged).
-- Conventions used by every later migration:
--   * every tenant table has organization_id uuid not null and unique (organization_id, id);
--   * references between tenant tables are composite (organization_id, x_id) so that a row
--     can never point at another tenant's row (FK checks bypass RLS);
--   * SELECT clientele_tenant_table('t') turns on RLS (ENABLE + FORCE) with the tenant policy,
--     grants the app role, and attaches update_updated_at_column() when t has updated_at.

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clientele_app') THEN
    CREATE ROLE clientele_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO clientele_app;

-- Seed 001's trigger function, used by every table with updated_at.
CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END $$;

-- The tenant of the current transaction (set by the app with set_config(..., true)).
CREATE OR REPLACE FUNCTION clientele_current_org() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('clientele.organization_id', true), '')::uuid
$$;

CREATE OR REPLACE FUNCTION clientele_tenant_table(tbl text, privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (organization_id = clientele_current_org()) '
                 'WITH CHECK (organization_id = clientele_current_org())', tbl);
  EXECUTE format('GRANT %s ON %I TO clientele_app', privileges, tbl);
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = tbl AND column_name = 'updated_at') THEN
    EXECUTE format('DROP TRIGGER IF EXISTS update_%s_updated_at ON %I', tbl, tbl);
    EXECUTE format('CREATE TRIGGER update_%s_updated_at BEFORE UPDATE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()', tbl, tbl);
  END IF;
END $$;

-- Rejects UPDATE and DELETE on append-only tables (audit logs).
CREATE OR REPLACE FUNCTION clientele_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- organizations: the tenant. Seed 002's columns plus seed 001's tenant (its `users`).
CREATE TABLE organizations (
  id            uuid PRIMARY KEY,
  name          varchar(255) NOT NULL,
  subdomain     varchar(63) UNIQUE CHECK (subdomain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'),
  plan          varchar(50) NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'starter', 'pro', 'business', 'enterprise')),
  plan_status   varchar(50) NOT NULL DEFAULT 'trialing' CHECK (plan_status IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete', 'paused')),
  email         varchar(255),
  company_name  varchar(255),
  max_users     integer DEFAULT 1 CHECK (max_users >= 0),
  max_agents    integer DEFAULT 1 CHECK (max_agents >= 0),
  max_messages  integer DEFAULT 1000 CHECK (max_messages >= 0),
  max_storage   bigint DEFAULT 104857600 CHECK (max_storage >= 0),
  settings      jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  created_by    uuid,
  updated_by    uuid,
  deleted_at    timestamptz,
  deleted_by    uuid
);
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations USING (id = clientele_current_org()) WITH CHECK (id = clientele_current_org());
GRANT SELECT, INSERT, UPDATE ON organizations TO clientele_app;
CREATE TRIGGER update_organizations_updated_at BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- users: seed 002's users merged with seed 000's employees (and 001's tenant owner).
CREATE TABLE users (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email           varchar(255) NOT NULL,
  name            varchar(255),
  first_name      varchar(100),
  last_name       varchar(100),
  role            varchar(50) NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  department      varchar(50),
  job_title       varchar(255),
  is_active       boolean NOT NULL DEFAULT true,
  password_hash   text,
  avatar_url      text,
  preferences     jsonb DEFAULT '{}',
  last_login_at   timestamptz,
  last_active_at  timestamptz,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id)
);
-- Email is the login identity, so it is unique across the platform (seed 000: email unique).
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX idx_users_role ON users (organization_id, role);
CREATE INDEX idx_users_last_active_at ON users (last_active_at);
SELECT clientele_tenant_table('users');

-- API keys: shown once, stored as SHA-256 of the whole key plus a display prefix.
CREATE TABLE api_keys (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid,
  name            varchar(100) NOT NULL,
  prefix          varchar(24) NOT NULL,
  key_hash        bytea NOT NULL UNIQUE,
  scopes          text[] NOT NULL DEFAULT ARRAY['read', 'write']
                  CHECK (scopes <@ ARRAY['read', 'write', 'admin'] AND cardinality(scopes) > 0),
  expires_at      timestamptz,
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
);
SELECT clientele_tenant_table('api_keys');

-- customers: seed 000's customers (people/accounts with billing) merged with seed 003's
-- customers (accounts a CSM manages): the union of both column sets.
CREATE TABLE customers (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email           varchar(255) NOT NULL,
  name            varchar(255),
  plan            varchar(50) CHECK (plan IN ('free', 'basic', 'premium', 'enterprise')),
  company_name    varchar(255),
  company_size    integer CHECK (company_size >= 0),
  industry        varchar(100),
  mrr             numeric(10,2) CHECK (mrr >= 0),
  ltv             numeric(10,2) CHECK (ltv >= 0),
  arr             numeric(12,2) CHECK (arr >= 0),
  health_score    integer CHECK (health_score BETWEEN 0 AND 100),
  churn_risk      numeric(3,2) CHECK (churn_risk BETWEEN 0 AND 1),
  nps_score       integer CHECK (nps_score BETWEEN -100 AND 100),
  lead_source     varchar(50),
  country         varchar(2) CHECK (country ~ '^[A-Z]{2}$'),
  timezone        varchar(50),
  language        varchar(10),
  stage           text CHECK (stage IN ('prospect', 'onboarding', 'active', 'at_risk', 'churned')),
  csm_id          uuid,
  salesforce_id   text,
  hubspot_id      text,
  segment         text,
  renewal_date    date,
  metadata        jsonb,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, csm_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (csm_id)
);
-- Seed 000: email UNIQUE. Per tenant, and only among live rows so a soft-deleted
-- customer's email can be used again.
CREATE UNIQUE INDEX customers_email_key ON customers (organization_id, email) WHERE deleted_at IS NULL;
CREATE INDEX idx_customers_name ON customers (organization_id, name);
CREATE INDEX idx_customers_stage ON customers (organization_id, stage);
-- Seed 000 "Find At-Risk Customers": health_score < x AND churn_risk > y.
CREATE INDEX idx_customers_at_risk ON customers (organization_id, health_score, churn_risk) WHERE deleted_at IS NULL;
SELECT clientele_tenant_table('customers');

-- audit_logs (seed 000): immutable. The app role may only INSERT and SELECT; a trigger
-- rejects UPDATE and DELETE for everyone.
CREATE TABLE audit_logs (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id),
  entity_type     varchar(50),
  entity_id       uuid,
  action          varchar(50) NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete', 'login', 'logout', 'export')),
  actor_type      varchar(50) NOT NULL CHECK (actor_type IN ('user', 'agent', 'system', 'api')),
  actor_id        uuid,
  changes         jsonb,
  ip_address      varchar(45),
  user_agent      text,
  "timestamp"     timestamptz NOT NULL DEFAULT now(),
  extra_metadata  jsonb,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_audit_logs_entity ON audit_logs (organization_id, entity_type, entity_id);
CREATE INDEX idx_audit_logs_actor ON audit_logs (organization_id, actor_type, actor_id);
CREATE INDEX idx_audit_logs_timestamp ON audit_logs (organization_id, "timestamp");
CREATE INDEX idx_audit_logs_action ON audit_logs (organization_id, action);
SELECT clientele_tenant_table('audit_logs', 'SELECT, INSERT');
CREATE TRIGGER audit_logs_immutable BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION clientele_reject_change();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION clientele_reject_change();

-- Idempotency-Key records: the first response of a POST, replayed for 24 hours.
CREATE TABLE idempotency_keys (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  key             varchar(255) NOT NULL,
  request_hash    bytea NOT NULL,
  status_code     integer,
  response_body   bytea,
  content_type    text,
  location        text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (organization_id, key)
);
CREATE INDEX idx_idempotency_keys_expires ON idempotency_keys (expires_at);
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys USING (organization_id = clientele_current_org()) WITH CHECK (organization_id = clientele_current_org());
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO clientele_app;

-- Authentication runs before a tenant is known, so these two lookups are SECURITY DEFINER
-- functions (owned by the migration role) instead of cross-tenant grants to the app role.
CREATE OR REPLACE FUNCTION clientele_authenticate_api_key(p_hash bytea)
RETURNS TABLE (api_key_id uuid, organization_id uuid, user_id uuid, scopes text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY
    UPDATE api_keys k SET last_used_at = now()
    WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
      AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
    RETURNING k.id, k.organization_id, k.user_id, k.scopes;
  IF NOT FOUND THEN
    RETURN QUERY
      SELECT k.id, k.organization_id, k.user_id, k.scopes FROM api_keys k
      WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now());
  END IF;
END $$;

CREATE OR REPLACE FUNCTION clientele_find_login(p_email text)
RETURNS TABLE (user_id uuid, organization_id uuid, password_hash text, role varchar, is_active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT u.id, u.organization_id, u.password_hash, u.role, u.is_active FROM users u
  WHERE lower(u.email) = lower(p_email) AND u.deleted_at IS NULL
$$;

CREATE OR REPLACE FUNCTION clientele_purge_idempotency_keys() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE n integer;
BEGIN
  DELETE FROM idempotency_keys WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

REVOKE ALL ON FUNCTION clientele_authenticate_api_key(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_find_login(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele_purge_idempotency_keys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_authenticate_api_key(bytea) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_find_login(text) TO clientele_app;
GRANT EXECUTE ON FUNCTION clientele_purge_idempotency_keys() TO clientele_app;

-- ASP.NET Core Data Protection keys (encrypt third-party secrets at rest); shared by all nodes.
CREATE TABLE data_protection_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  friendly_name text,
  xml          text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON data_protection_keys TO clientele_app;
