-- Seed 003 integrations (a user's CRM and Slack connections), knowledge base, and
-- automation (triggers with their firing history, automations).
-- Seed 003's text user ids are platform users: uuid, composite FK to users. A connection
-- belongs to its user (CASCADE); a trigger or automation outlives its author (SET NULL).
-- Tokens are encrypted at rest by the app (Data Protection) and never returned by the API.
-- (Seed 000's per-customer integrations are customer_integrations, another table.)

CREATE TABLE integrations (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  provider        text NOT NULL CHECK (provider IN ('salesforce', 'hubspot')),
  access_token    text,
  refresh_token   text,
  instance_url    text,
  expires_at      timestamptz,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Seed: UNIQUE (user_id, provider).
  UNIQUE (organization_id, user_id, provider),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_integrations_expires_at ON integrations (expires_at);
SELECT clientele_tenant_table('integrations');

CREATE TABLE slack_connections (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  team_id         text NOT NULL,
  bot_token       text,
  user_token      text,
  scopes          text[] NOT NULL DEFAULT '{}',
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Seed: UNIQUE (user_id).
  UNIQUE (organization_id, user_id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
-- Slack events name only the workspace (team_id): this finds the tenant.
CREATE INDEX idx_slack_connections_team_id ON slack_connections (team_id);
SELECT clientele_tenant_table('slack_connections');

-- Inbound Slack events arrive before a tenant is known (like Stripe and Meta webhooks).
CREATE OR REPLACE FUNCTION clientele_find_slack_connections(p_team_id text)
RETURNS TABLE (slack_connection_id uuid, organization_id uuid, user_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.id, c.organization_id, c.user_id FROM slack_connections c WHERE c.team_id = p_team_id
$$;
REVOKE ALL ON FUNCTION clientele_find_slack_connections(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_slack_connections(text) TO clientele_app;

CREATE TABLE knowledge_base (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  title           text NOT NULL,
  content         text NOT NULL,
  category        text,
  tags            text[] NOT NULL DEFAULT '{}',
  is_public       boolean NOT NULL DEFAULT false,
  view_count      integer NOT NULL DEFAULT 0 CHECK (view_count >= 0),
  helpful_count   integer NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_knowledge_base_category ON knowledge_base (organization_id, category);
CREATE INDEX idx_knowledge_base_tags ON knowledge_base USING gin (tags);
-- The offline AI provider retrieves articles by full-text search (DESIGN §6).
CREATE INDEX idx_knowledge_base_fts ON knowledge_base
  USING gin (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(content, '')));
SELECT clientele_tenant_table('knowledge_base');

CREATE TABLE triggers (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id           uuid,
  -- NULL = applies to every customer (seed 003: "null = global").
  customer_id       uuid,
  name              text NOT NULL,
  description       text,
  type              text NOT NULL,
  condition         jsonb NOT NULL DEFAULT '{}',
  actions           jsonb NOT NULL DEFAULT '[]',
  cooldown_minutes  integer NOT NULL DEFAULT 0 CHECK (cooldown_minutes >= 0),
  max_fires_per_day integer CHECK (max_fires_per_day >= 0),
  enabled           boolean NOT NULL DEFAULT true,
  last_fired_at     timestamptz,
  fire_count        integer NOT NULL DEFAULT 0 CHECK (fire_count >= 0),
  metadata          jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_triggers_customer_id ON triggers (organization_id, customer_id);
-- The evaluator scans enabled triggers by type.
CREATE INDEX idx_triggers_enabled_type ON triggers (organization_id, type) WHERE enabled;
SELECT clientele_tenant_table('triggers');

CREATE TABLE trigger_events (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  trigger_id       uuid NOT NULL,
  customer_id      uuid,
  event_type       text NOT NULL,
  event_data       jsonb,
  actions_executed jsonb,
  success          boolean,
  error_message    text,
  fired_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, trigger_id) REFERENCES triggers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
-- Cooldown and daily-limit checks read a trigger's recent firings.
CREATE INDEX idx_trigger_events_trigger_fired ON trigger_events (organization_id, trigger_id, fired_at);
CREATE INDEX idx_trigger_events_customer_id ON trigger_events (organization_id, customer_id);
SELECT clientele_tenant_table('trigger_events');

CREATE TABLE automations (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            text NOT NULL,
  description     text,
  type            text NOT NULL,
  nl_description  text,
  steps           jsonb NOT NULL DEFAULT '[]',
  schedule        jsonb,
  trigger         jsonb,
  scope           jsonb,
  enabled         boolean NOT NULL DEFAULT true,
  -- Seed 003: TEXT creator user id; a platform user here.
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX idx_automations_enabled ON automations (organization_id, type) WHERE enabled;
SELECT clientele_tenant_table('automations');
