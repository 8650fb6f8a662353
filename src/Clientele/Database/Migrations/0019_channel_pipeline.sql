-- Channels end to end (issue 4): email joins the platforms, webchat and email channels get a
-- public key, allowed origins and settings; inbound events and the outbox carry every
-- webhook and send through background workers.

-- Seed 001 knows whatsapp, instagram and webchat; email is the fourth channel. Webchat and
-- email have no Meta token, so access_token is required only where Meta needs one.
ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_platform_check;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_platform_check CHECK (platform IN ('whatsapp', 'instagram', 'webchat', 'email'));
ALTER TABLE phone_numbers ALTER COLUMN access_token DROP NOT NULL;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_access_token_check CHECK (access_token IS NOT NULL OR platform IN ('webchat', 'email'));
ALTER TABLE phone_numbers
  ADD COLUMN public_key      varchar(64) NOT NULL DEFAULT ('pk_' || replace(gen_random_uuid()::text, '-', '')) UNIQUE,
  ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}',
  ADD COLUMN settings        jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN is_active       boolean NOT NULL DEFAULT true;
-- A Meta number or account can belong to one organization only, or webhooks could be hijacked.
CREATE UNIQUE INDEX phone_numbers_meta_id_global_key ON phone_numbers (platform, meta_phone_number_id)
  WHERE platform IN ('whatsapp', 'instagram', 'email');

-- One row per event a provider delivered (a message or a status), deduplicated by the
-- provider's id: Meta redelivers until it gets a 200, so the second copy changes nothing.
CREATE TABLE inbound_events (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  provider        varchar(20) NOT NULL CHECK (provider IN ('whatsapp', 'instagram', 'webchat', 'email')),
  kind            varchar(20) NOT NULL CHECK (kind IN ('message', 'status')),
  external_id     varchar(255) NOT NULL,
  phone_number_id uuid NOT NULL,
  payload         jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, provider, kind, external_id),
  FOREIGN KEY (organization_id, phone_number_id) REFERENCES phone_numbers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_inbound_events_received ON inbound_events (organization_id, received_at);
SELECT clientele_tenant_table('inbound_events', 'SELECT, INSERT, UPDATE');

-- The transactional outbox: written in the same transaction as the change that needs
-- background work; workers lease rows with FOR UPDATE SKIP LOCKED (clientele_claim_outbox).
CREATE TABLE outbox (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  topic           varchar(50) NOT NULL,
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts    integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  available_at    timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  dead_at         timestamptz,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_outbox_ready ON outbox (available_at, id) WHERE processed_at IS NULL AND dead_at IS NULL;
CREATE INDEX idx_outbox_dead ON outbox (organization_id, dead_at) WHERE dead_at IS NOT NULL;
SELECT clientele_tenant_table('outbox', 'SELECT, INSERT, UPDATE');

-- Workers are not tenants: they claim across organizations here, then do each job inside its
-- tenant's transaction (which also marks the row processed).
CREATE OR REPLACE FUNCTION clientele_claim_outbox(p_limit integer, p_lease interval, p_topics text[] DEFAULT NULL)
RETURNS TABLE (id uuid, organization_id uuid, topic varchar, payload jsonb, attempts integer, max_attempts integer)
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  UPDATE outbox o SET locked_until = now() + p_lease, attempts = o.attempts + 1
  WHERE o.id IN (
    SELECT x.id FROM outbox x
    WHERE x.processed_at IS NULL AND x.dead_at IS NULL AND x.available_at <= now()
      AND (x.locked_until IS NULL OR x.locked_until < now())
      AND (p_topics IS NULL OR x.topic = ANY (p_topics))
    ORDER BY x.available_at, x.id
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED)
  RETURNING o.id, o.organization_id, o.topic, o.payload, o.attempts, o.max_attempts
$$;
REVOKE ALL ON FUNCTION clientele_claim_outbox(integer, interval, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_claim_outbox(integer, interval, text[]) TO clientele_app;

-- Webhooks name a channel by the provider's id (or a webchat's public key) before any tenant is known.
CREATE OR REPLACE FUNCTION clientele_resolve_channel(p_platform text, p_external_id text)
RETURNS TABLE (organization_id uuid, phone_number_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT p.organization_id, p.id FROM phone_numbers p
  WHERE p.platform = p_platform AND p.is_active
    AND (p.meta_phone_number_id = p_external_id OR p.public_key = p_external_id)
  ORDER BY p.created_at
  LIMIT 1
$$;
REVOKE ALL ON FUNCTION clientele_resolve_channel(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_resolve_channel(text, text) TO clientele_app;

-- Seed 001's credits: every organization has a balance; existing ones get the default trial grant.
INSERT INTO message_credits (id, organization_id, remaining_credits, total_used)
SELECT gen_random_uuid(), o.id, 100, 0 FROM organizations o
WHERE NOT EXISTS (SELECT 1 FROM message_credits c WHERE c.organization_id = o.id);

-- Seed 001: one agent per phone number. Relinking a number retires the old agent (is_active
-- false, kept for its conversations' history), so the rule is one ACTIVE agent per number.
ALTER TABLE agents DROP CONSTRAINT agents_organization_id_phone_number_id_key;
CREATE UNIQUE INDEX agents_one_active_per_phone_number ON agents (organization_id, phone_number_id) WHERE is_active;

-- Operators take conversations: who is handling it now.
ALTER TABLE conversations ADD COLUMN assigned_to uuid;
ALTER TABLE conversations ADD CONSTRAINT conversations_assigned_to_fkey
  FOREIGN KEY (organization_id, assigned_to) REFERENCES users (organization_id, id) ON DELETE SET NULL (assigned_to);
CREATE INDEX idx_conversations_assigned_to ON conversations (organization_id, assigned_to) WHERE assigned_to IS NOT NULL;

-- Owners and admins of an organization (for notifications) before the caller knows them.
CREATE INDEX idx_users_org_role ON users (organization_id, role) WHERE deleted_at IS NULL;

-- The channel a conversation runs on (an agent's number, or a channel without an agent).
ALTER TABLE conversations ADD COLUMN phone_number_id uuid;
ALTER TABLE conversations ADD CONSTRAINT conversations_phone_number_id_fkey
  FOREIGN KEY (organization_id, phone_number_id) REFERENCES phone_numbers (organization_id, id) ON DELETE SET NULL (phone_number_id);
CREATE INDEX idx_conversations_phone_number ON conversations (organization_id, phone_number_id, customer_phone) WHERE is_active;
-- Inbound messages find their customer by phone.
CREATE INDEX idx_customer_contacts_phone ON customer_contacts (organization_id, phone) WHERE deleted_at IS NULL;
