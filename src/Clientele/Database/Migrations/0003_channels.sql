-- Channels (seed 001): the tenant's WhatsApp / Instagram / webchat numbers and the AI agent
-- linked to each. Seed 001's user_id is the tenant, so it is organization_id here.

CREATE TABLE phone_numbers (
  id                   uuid PRIMARY KEY,
  organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  platform             varchar(20) NOT NULL CHECK (platform IN ('whatsapp', 'instagram', 'webchat')),
  -- WABA phone number id or Instagram account id (Meta's id, kept as text).
  meta_phone_number_id varchar(100) NOT NULL,
  -- Encrypted at rest by the app (Data Protection); never returned by the API.
  access_token         text NOT NULL,
  display_name         varchar(255),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, meta_phone_number_id, platform)
);
-- Inbound webhooks name only Meta's id: this finds the tenant.
CREATE INDEX idx_phone_numbers_meta_id ON phone_numbers (platform, meta_phone_number_id);
SELECT clientele_tenant_table('phone_numbers');

-- agents: one per phone number (seed 001: phone_number_id UNIQUE). is_active and
-- created_by serve seed 002 (idx_agents_org_active; user_activity_summary counts the
-- agents a user created).
CREATE TABLE agents (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  phone_number_id uuid NOT NULL,
  prompt_id       varchar(100) NOT NULL,
  name            varchar(255) NOT NULL,
  is_active       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, phone_number_id),
  -- No action on delete (seed 001 names none): an agent must be unlinked before its number goes.
  FOREIGN KEY (organization_id, phone_number_id) REFERENCES phone_numbers (organization_id, id),
  FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX idx_agents_org_active ON agents (organization_id, is_active);
SELECT clientele_tenant_table('agents');
