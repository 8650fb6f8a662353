-- Customer domain (seed 000 §1) around the customers table of 0001:
-- health events, segments, notes, contacts (merged with seed 003's stakeholders), integrations.
-- Children owned by a customer have customer_id NOT NULL and ON DELETE CASCADE (seed 000).

CREATE TABLE customer_health_events (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  event_type      varchar(50) NOT NULL CHECK (event_type IN ('health_score_change', 'churn_risk_change', 'engagement_drop', 'usage_spike')),
  old_value       numeric(5,2),
  new_value       numeric(5,2),
  reason          text,
  detected_by     varchar(50),
  severity        varchar(20) NOT NULL DEFAULT 'low' CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_customer_health_events_customer_created ON customer_health_events (organization_id, customer_id, created_at);
CREATE INDEX idx_customer_health_events_severity_created ON customer_health_events (organization_id, severity, created_at);
SELECT clientele_tenant_table('customer_health_events');

CREATE TABLE customer_segments (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id      uuid NOT NULL,
  segment_name     varchar(100) NOT NULL,
  segment_type     varchar(50) NOT NULL CHECK (segment_type IN ('industry', 'lifecycle', 'value', 'behavior', 'risk')),
  confidence_score numeric(3,2) CHECK (confidence_score BETWEEN 0 AND 1),
  assigned_at      timestamptz NOT NULL DEFAULT now(),
  assigned_by      varchar(50),
  extra_metadata   jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  created_by       uuid,
  updated_by       uuid,
  deleted_at       timestamptz,
  deleted_by       uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_customer_segments_customer ON customer_segments (organization_id, customer_id);
CREATE INDEX idx_customer_segments_segment_name ON customer_segments (organization_id, segment_name);
SELECT clientele_tenant_table('customer_segments');

CREATE TABLE customer_notes (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  note_type       varchar(50) NOT NULL DEFAULT 'general' CHECK (note_type IN ('general', 'support', 'sales', 'success', 'technical')),
  content         text NOT NULL,
  is_internal     boolean NOT NULL DEFAULT true,
  visibility      varchar(20) NOT NULL DEFAULT 'team' CHECK (visibility IN ('private', 'team', 'company')),
  -- The employee who wrote it (employees are users).
  author_id       uuid,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, author_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (author_id)
);
CREATE INDEX idx_customer_notes_customer_created ON customer_notes (organization_id, customer_id, created_at);
SELECT clientele_tenant_table('customer_notes');

-- customer_contacts: seed 000's contacts merged with seed 003's stakeholders (same concept:
-- a person at the customer). 003's free-text role ("job title/role") lands in title; role
-- keeps 000's value set. linkedin_url, sentiment, notes come from 003.
CREATE TABLE customer_contacts (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  email           varchar(255),
  name            varchar(255),
  title           varchar(100),
  phone           varchar(50),
  role            varchar(50) CHECK (role IN ('admin', 'billing', 'technical', 'business', 'user')),
  is_primary      boolean NOT NULL DEFAULT false,
  linkedin_url    text,
  sentiment       text,
  notes           text,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_customer_contacts_customer ON customer_contacts (organization_id, customer_id);
CREATE INDEX idx_customer_contacts_email ON customer_contacts (organization_id, email);
-- "Primary contact" means one per customer among live rows.
CREATE UNIQUE INDEX customer_contacts_one_primary ON customer_contacts (organization_id, customer_id)
  WHERE is_primary AND deleted_at IS NULL;
SELECT clientele_tenant_table('customer_contacts');

CREATE TABLE customer_integrations (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id      uuid NOT NULL,
  integration_type varchar(50) NOT NULL,
  status           varchar(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'error', 'disconnected')),
  config           jsonb,
  last_sync_at     timestamptz,
  last_sync_status varchar(20),
  error_count      integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  extra_metadata   jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  created_by       uuid,
  updated_by       uuid,
  deleted_at       timestamptz,
  deleted_by       uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_customer_integrations_customer ON customer_integrations (organization_id, customer_id);
CREATE INDEX idx_customer_integrations_type ON customer_integrations (organization_id, integration_type);
SELECT clientele_tenant_table('customer_integrations');
