-- Computed customer health (issue 11 item 1, docs/success.md): a weighted health model per
-- organization and optionally per segment, the latest computation of each customer with its
-- components and evidence, and the debounce queue of recomputations asked for by domain events.
-- Risk signals get "one open signal per type and customer" (item 2).

-- A health model: component weights (0-100 each, renormalised over the components that have
-- data) and event thresholds. No row at all means the built-in default model (HealthModel.Default).
-- segment NULL is the organization's model; a segment's model applies to customers.segment = segment.
CREATE TABLE health_models (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            varchar(100) NOT NULL,
  segment         text,
  weights         jsonb NOT NULL DEFAULT '{"usage": 30, "support": 20, "billing": 20, "engagement": 15, "seats": 15}',
  thresholds      jsonb NOT NULL DEFAULT '{}',
  is_active       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  CONSTRAINT health_models_weights_check CHECK (
    jsonb_typeof(weights) = 'object'
    AND weights - ARRAY['usage', 'support', 'billing', 'engagement', 'seats'] = '{}'::jsonb
    AND NOT jsonb_path_exists(weights, '$.* ? (@.type() != "number" || @ < 0 || @ > 100)')
    AND jsonb_path_exists(weights, '$.* ? (@ > 0)')),
  CONSTRAINT health_models_thresholds_check CHECK (
    jsonb_typeof(thresholds) = 'object'
    AND thresholds - ARRAY['health_change', 'churn_change', 'engagement_drop', 'usage_spike_percent', 'usage_drop_percent',
                           'no_login_days', 'renewal_health', 'high_risk_score'] = '{}'::jsonb
    AND NOT jsonb_path_exists(thresholds, '$.* ? (@.type() != "number" || @ < 0 || @ > 100)'))
);
-- One active model per segment (and one organization default).
CREATE UNIQUE INDEX health_models_one_active_per_segment ON health_models (organization_id, coalesce(segment, ''))
  WHERE is_active;
SELECT clientele_tenant_table('health_models');

-- The latest computation per customer: what customers.health_score and churn_risk say, explained.
-- score is NULL when no component has data (confidence 0): nothing is invented.
CREATE TABLE customer_health_scores (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  model_id        uuid,
  model_name      varchar(100) NOT NULL,
  score           integer CHECK (score BETWEEN 0 AND 100),
  churn_risk      numeric(3,2) CHECK (churn_risk BETWEEN 0 AND 1),
  confidence      numeric(3,2) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  components      jsonb NOT NULL DEFAULT '{}',
  computed_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, customer_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, model_id) REFERENCES health_models (organization_id, id) ON DELETE SET NULL (model_id)
);
CREATE INDEX idx_customer_health_scores_score ON customer_health_scores (organization_id, score);
SELECT clientele_tenant_table('customer_health_scores');

-- Debounce: one pending recomputation per customer, due at most once a minute after the last one.
CREATE TABLE health_recompute_requests (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  due_at          timestamptz NOT NULL,
  reasons         text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, customer_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
SELECT clientele_tenant_table('health_recompute_requests');

-- One open risk signal per type and customer: older duplicates are closed first.
UPDATE risk_signals r SET resolved_at = greatest(now(), r.detected_at),
  resolution_notes = coalesce(r.resolution_notes || ' ', '') || '(closed by migration 0045: a newer open signal of the same type exists)'
WHERE r.resolved_at IS NULL AND EXISTS (
  SELECT 1 FROM risk_signals n WHERE n.organization_id = r.organization_id AND n.customer_id = r.customer_id
    AND n.signal_type = r.signal_type AND n.resolved_at IS NULL AND (n.detected_at, n.id) > (r.detected_at, r.id));
CREATE UNIQUE INDEX risk_signals_one_open_per_type ON risk_signals (organization_id, customer_id, signal_type)
  WHERE resolved_at IS NULL;

-- The periodic sweep runs per organization; it finds them here (RLS hides other tenants' rows).
CREATE OR REPLACE FUNCTION success_orgs_with_customers()
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT organization_id FROM customers WHERE deleted_at IS NULL
$$;
REVOKE ALL ON FUNCTION success_orgs_with_customers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION success_orgs_with_customers() TO clientele_app;
