-- Analytics (seed 000 §5): daily conversation rollups, feature usage, A/B tests and agent
-- performance (merged with seed 002's agent_metrics).
-- Seed 000 types the rollup day `date` as TIMESTAMP; it is a day (feature_usage is unique per
-- customer, feature and date), so it is `date` here, as in seed 002's rollups.

CREATE TABLE conversation_analytics (
  id                          uuid PRIMARY KEY,
  organization_id             uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  date                        date NOT NULL,
  -- NULL: all channels together.
  channel                     varchar(50) CHECK (channel IN ('web_chat', 'email', 'phone', 'slack', 'api', 'widget', 'whatsapp', 'instagram')),
  total_conversations         integer NOT NULL DEFAULT 0 CHECK (total_conversations >= 0),
  resolved_conversations      integer NOT NULL DEFAULT 0 CHECK (resolved_conversations >= 0),
  escalated_conversations     integer NOT NULL DEFAULT 0 CHECK (escalated_conversations >= 0),
  avg_resolution_time_seconds integer CHECK (avg_resolution_time_seconds >= 0),
  avg_sentiment               double precision CHECK (avg_sentiment BETWEEN -1 AND 1),
  avg_csat                    double precision CHECK (avg_csat BETWEEN 1 AND 5),
  extra_metadata              jsonb,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  created_by                  uuid,
  updated_by                  uuid,
  deleted_at                  timestamptz,
  deleted_by                  uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT conversation_analytics_resolved_conversations_lte_total_check CHECK (resolved_conversations <= total_conversations),
  CONSTRAINT conversation_analytics_escalated_conversations_lte_total_check CHECK (escalated_conversations <= total_conversations),
  -- One rollup row per day and channel: the nightly job upserts on it (serves channel+date).
  UNIQUE NULLS NOT DISTINCT (organization_id, channel, date)
);
CREATE INDEX idx_conversation_analytics_date ON conversation_analytics (organization_id, date);
SELECT clientele_tenant_table('conversation_analytics');

CREATE TABLE feature_usage (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  feature_name    varchar(100) NOT NULL,
  usage_count     integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
  last_used_at    timestamptz,
  date            date NOT NULL,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, customer_id, feature_name, date),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_feature_usage_customer_date ON feature_usage (organization_id, customer_id, date);
CREATE INDEX idx_feature_usage_feature_name ON feature_usage (organization_id, feature_name);
SELECT clientele_tenant_table('feature_usage');

CREATE TABLE ab_tests (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  test_name       varchar(100) NOT NULL,
  variant         varchar(50) NOT NULL,
  customer_id     uuid,
  conversation_id uuid,
  outcome         varchar(50),
  metric_value    double precision,
  "timestamp"     timestamptz NOT NULL DEFAULT now(),
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ab_tests_test_name ON ab_tests (organization_id, test_name);
CREATE INDEX idx_ab_tests_variant ON ab_tests (organization_id, variant);
CREATE INDEX idx_ab_tests_customer ON ab_tests (organization_id, customer_id);
CREATE INDEX idx_ab_tests_conversation ON ab_tests (organization_id, conversation_id);
SELECT clientele_tenant_table('ab_tests');

-- agent_performance: seed 000's daily performance of a logical agent (by agent_name, e.g. the
-- billing agent of the multi-agent support flow) merged with seed 002's agent_metrics (daily
-- metrics of an agents row, by agent_id). A row names its agent one way or both.
-- avg_response_time_ms (000) and avg_response_time (002, unit not stated) are both kept.
CREATE TABLE agent_performance (
  id                     uuid PRIMARY KEY,
  organization_id        uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  agent_id               uuid,
  agent_name             varchar(50),
  date                   date NOT NULL,
  total_interactions     integer NOT NULL DEFAULT 0 CHECK (total_interactions >= 0),
  successful_resolutions integer NOT NULL DEFAULT 0 CHECK (successful_resolutions >= 0),
  escalations            integer NOT NULL DEFAULT 0 CHECK (escalations >= 0),
  avg_confidence         double precision CHECK (avg_confidence BETWEEN 0 AND 1),
  avg_sentiment          double precision CHECK (avg_sentiment BETWEEN -1 AND 1),
  avg_response_time_ms   integer CHECK (avg_response_time_ms >= 0),
  conversation_count     integer NOT NULL DEFAULT 0 CHECK (conversation_count >= 0),
  message_count          integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
  avg_response_time      numeric(10,2) NOT NULL DEFAULT 0 CHECK (avg_response_time >= 0),
  total_tokens           bigint NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  error_count            integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  satisfaction_score     numeric(3,2) CHECK (satisfaction_score >= 0),
  extra_metadata         jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  created_by             uuid,
  updated_by             uuid,
  deleted_at             timestamptz,
  deleted_by             uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT agent_performance_agent_check CHECK (agent_id IS NOT NULL OR agent_name IS NOT NULL),
  CONSTRAINT agent_performance_successful_resolutions_lte_total_check CHECK (successful_resolutions <= total_interactions),
  CONSTRAINT agent_performance_escalations_lte_total_check CHECK (escalations <= total_interactions),
  -- Seed 002: UNIQUE (agent_id, date).
  UNIQUE (organization_id, agent_id, date),
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
-- Seed 000: UNIQUE (agent_name, date), for the rows keyed by name (agent names of agents rows
-- need not be unique, so rows with an agent_id are keyed by it instead).
CREATE UNIQUE INDEX agent_performance_agent_name_date_key ON agent_performance (organization_id, agent_name, date)
  WHERE agent_id IS NULL;
CREATE INDEX idx_agent_performance_date ON agent_performance (organization_id, date);
SELECT clientele_tenant_table('agent_performance');
