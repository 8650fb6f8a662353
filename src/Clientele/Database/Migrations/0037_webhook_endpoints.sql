-- Outbound webhooks for the tenant's developers (issue 15, docs/automation.md "Webhooks"):
-- endpoints subscribe to domain event types; each matching event becomes a delivery, signed
-- (Clientele-Signature: t=..., v1=HMAC-SHA256(secret, t.body)), retried with exponential backoff
-- for 3 days, logged with response codes, replayable. An endpoint failing for 3 days is disabled.
CREATE TABLE webhook_endpoints (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  url             text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
  description     text,
  -- Event types or prefix patterns (invoice.paid, customer.*); '*' is every event.
  events          text[] NOT NULL CHECK (cardinality(events) > 0),
  -- The signing secret: returned once when the endpoint is created, never by the API again.
  secret          text NOT NULL,
  enabled         boolean NOT NULL DEFAULT true,
  -- Since when every delivery has failed (cleared by a success); 3 days of it disables the endpoint.
  failing_since   timestamptz,
  disabled_reason text,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_webhook_endpoints_enabled ON webhook_endpoints (organization_id) WHERE enabled;
SELECT clientele_tenant_table('webhook_endpoints');

CREATE TABLE webhook_deliveries (
  id                 uuid PRIMARY KEY,
  organization_id    uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  endpoint_id        uuid NOT NULL,
  event_id           uuid NOT NULL,
  event_type         varchar(100) NOT NULL,
  -- The exact JSON body sent (the signature covers it byte for byte).
  payload            text NOT NULL,
  status             varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status_code   integer,
  last_error         text,
  last_response_body text,
  last_duration_ms   integer,
  next_attempt_at    timestamptz,
  delivered_at       timestamptz,
  replay_of          uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, endpoint_id) REFERENCES webhook_endpoints (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_webhook_deliveries_endpoint ON webhook_deliveries (organization_id, endpoint_id, created_at);
CREATE INDEX idx_webhook_deliveries_event ON webhook_deliveries (organization_id, event_id);
-- One delivery per endpoint and event (replays are new rows pointing at the original).
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (organization_id, endpoint_id, event_id) WHERE replay_of IS NULL;
SELECT clientele_tenant_table('webhook_deliveries');
