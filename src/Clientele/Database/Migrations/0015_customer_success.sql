-- Seed 003 customer success: contracts and entitlements, usage metrics, risk signals,
-- health history, renewals, expansion, save plays (with the CSM playbooks they follow),
-- QBRs and account plans. All tenant tables; users references (csm/owner/approver) are
-- composite FKs to users and SET NULL (the work stays when a user goes).
-- Seed 003 names no ON DELETE: a customer's intelligence goes with the customer (CASCADE),
-- owned children with their parent (CASCADE), optional links SET NULL.
-- ARR-sized money is numeric(12,2) like customers.arr; unit prices numeric(10,2).

CREATE TABLE contracts (
  id                     uuid PRIMARY KEY,
  organization_id        uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- Nullable: a contract is uploaded and parsed before it is matched to a customer.
  customer_id            uuid,
  file_url               text,
  file_name              text,
  raw_text               text,
  company_name           text,
  arr                    numeric(12,2) CHECK (arr >= 0),
  contract_term          text,
  start_date             date,
  end_date               date,
  status                 text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('draft', 'pending', 'active', 'expired', 'terminated', 'renewed')),
  parsed_data            jsonb,
  pricing_terms          jsonb,
  technical_requirements jsonb,
  missing_info           jsonb,
  next_steps             jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_contracts_customer_id ON contracts (organization_id, customer_id);
CREATE INDEX idx_contracts_status ON contracts (organization_id, status);
CREATE INDEX idx_contracts_end_date ON contracts (organization_id, end_date) WHERE status = 'active';
SELECT clientele_tenant_table('contracts');

CREATE TABLE entitlements (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  contract_id     uuid NOT NULL,
  name            text NOT NULL,
  description     text,
  quantity        integer CHECK (quantity >= 0),
  unit            text,
  price           numeric(10,2) CHECK (price >= 0),
  category        text,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, contract_id) REFERENCES contracts (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_entitlements_contract_id ON entitlements (organization_id, contract_id);
SELECT clientele_tenant_table('entitlements');

CREATE TABLE usage_metrics (
  id                   uuid PRIMARY KEY,
  organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id          uuid NOT NULL,
  metric_date          date NOT NULL,
  dau                  integer CHECK (dau >= 0),
  wau                  integer CHECK (wau >= 0),
  mau                  integer CHECK (mau >= 0),
  login_count          integer CHECK (login_count >= 0),
  api_calls            integer CHECK (api_calls >= 0),
  session_duration_avg integer CHECK (session_duration_avg >= 0),
  active_users         integer CHECK (active_users >= 0),
  feature_adoption     jsonb,
  usage_trend          varchar(20) CHECK (usage_trend IN ('increasing', 'stable', 'decreasing')),
  adoption_score       integer CHECK (adoption_score BETWEEN 0 AND 100),
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Seed: UNIQUE (customer_id, metric_date); also serves the customer_id + metric_date index.
  UNIQUE (organization_id, customer_id, metric_date),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_usage_metrics_usage_trend ON usage_metrics (organization_id, usage_trend);
SELECT clientele_tenant_table('usage_metrics');

CREATE TABLE risk_signals (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id      uuid NOT NULL,
  signal_type      varchar(50) NOT NULL,
  severity         varchar(20) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  description      text,
  detected_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  resolution_notes text,
  auto_detected    boolean NOT NULL DEFAULT false,
  source           varchar(50),
  metadata         jsonb,
  UNIQUE (organization_id, id),
  CHECK (resolved_at IS NULL OR resolved_at >= detected_at),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_risk_signals_customer_id ON risk_signals (organization_id, customer_id);
CREATE INDEX idx_risk_signals_severity ON risk_signals (organization_id, severity);
-- Seed: "unresolved signals".
CREATE INDEX idx_risk_signals_unresolved ON risk_signals (organization_id, customer_id, detected_at)
  WHERE resolved_at IS NULL;
SELECT clientele_tenant_table('risk_signals');

CREATE TABLE health_score_history (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  -- Same scale as customers.health_score.
  score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  components      jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_health_score_history_customer_recorded ON health_score_history (organization_id, customer_id, recorded_at);
SELECT clientele_tenant_table('health_score_history');

CREATE TABLE renewal_pipeline (
  id                   uuid PRIMARY KEY,
  organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id          uuid NOT NULL,
  renewal_date         date NOT NULL,
  current_arr          numeric(12,2) CHECK (current_arr >= 0),
  proposed_arr         numeric(12,2) CHECK (proposed_arr >= 0),
  probability          integer CHECK (probability BETWEEN 0 AND 100),
  stage                varchar(50) NOT NULL DEFAULT 'identified'
                       CHECK (stage IN ('identified', 'engaged', 'proposal', 'negotiation', 'committed',
                                        'renewed', 'churned')),
  risk_factors         jsonb NOT NULL DEFAULT '[]',
  expansion_potential  numeric(12,2) CHECK (expansion_potential >= 0),
  champion_engaged     boolean NOT NULL DEFAULT false,
  exec_sponsor_engaged boolean NOT NULL DEFAULT false,
  qbr_completed        boolean NOT NULL DEFAULT false,
  value_summary_sent   boolean NOT NULL DEFAULT false,
  proposal_sent        boolean NOT NULL DEFAULT false,
  verbal_commit        boolean NOT NULL DEFAULT false,
  contract_signed      boolean NOT NULL DEFAULT false,
  notes                text,
  owner_id             uuid,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, owner_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX idx_renewal_pipeline_renewal_date ON renewal_pipeline (organization_id, renewal_date);
CREATE INDEX idx_renewal_pipeline_stage ON renewal_pipeline (organization_id, stage);
CREATE INDEX idx_renewal_pipeline_customer_id ON renewal_pipeline (organization_id, customer_id);
CREATE INDEX idx_renewal_pipeline_owner_id ON renewal_pipeline (organization_id, owner_id);
SELECT clientele_tenant_table('renewal_pipeline');

CREATE TABLE expansion_opportunities (
  id                 uuid PRIMARY KEY,
  organization_id    uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id        uuid NOT NULL,
  opportunity_type   varchar(50) NOT NULL
                     CHECK (opportunity_type IN ('upsell', 'cross-sell', 'seat-expansion', 'upgrade',
                                                 'add-on', 'usage-expansion')),
  product_line       varchar(100),
  estimated_value    numeric(12,2) CHECK (estimated_value >= 0),
  probability        integer CHECK (probability BETWEEN 0 AND 100),
  stage              varchar(50) NOT NULL DEFAULT 'identified'
                     CHECK (stage IN ('identified', 'qualified', 'proposal', 'negotiation', 'closed_won',
                                      'closed_lost')),
  -- Seed 003: FK to stakeholders, which is customer_contacts here.
  champion_id        uuid,
  use_case           text,
  competitive_threat varchar(100),
  timeline           varchar(50),
  blockers           jsonb NOT NULL DEFAULT '[]',
  next_steps         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, champion_id) REFERENCES customer_contacts (organization_id, id)
    ON DELETE SET NULL (champion_id)
);
CREATE INDEX idx_expansion_opportunities_customer_id ON expansion_opportunities (organization_id, customer_id);
CREATE INDEX idx_expansion_opportunities_stage ON expansion_opportunities (organization_id, stage);
CREATE INDEX idx_expansion_opportunities_champion_id ON expansion_opportunities (organization_id, champion_id)
  WHERE champion_id IS NOT NULL;
SELECT clientele_tenant_table('expansion_opportunities');

-- Retrieval-augmented playbooks. Seed 003's embedding is a pgvector VECTOR; pgvector is not
-- part of the platform's PostgreSQL, so the vector is a real[] (float4, as pgvector stores
-- it) and similarity is computed by the app. Switching to vector(n) later is one ALTER.
CREATE TABLE csm_playbooks (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  title           text NOT NULL,
  category        text,
  content         text NOT NULL,
  embedding       real[] CHECK (embedding IS NULL OR (array_ndims(embedding) = 1 AND cardinality(embedding) > 0)),
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_csm_playbooks_category ON csm_playbooks (organization_id, category);
-- Keyword retrieval until vectors are searchable in the database.
CREATE INDEX idx_csm_playbooks_fts ON csm_playbooks
  USING gin (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(content, '')));
SELECT clientele_tenant_table('csm_playbooks');

CREATE TABLE save_plays (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id      uuid NOT NULL,
  -- Seed 003: "FK to playbooks", i.e. csm_playbooks.
  playbook_id      uuid,
  status           varchar(50) NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'in_progress', 'completed', 'cancelled')),
  risk_level       varchar(20) NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  primary_issue    text,
  root_cause       text,
  action_plan      jsonb NOT NULL DEFAULT '[]',
  success_criteria text,
  deadline         date,
  owner_id         uuid,
  escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 5),
  outcome          varchar(50) CHECK (outcome IN ('saved', 'partially_saved', 'downgraded', 'churned')),
  outcome_notes    text,
  arr_at_risk      numeric(12,2) CHECK (arr_at_risk >= 0),
  arr_saved        numeric(12,2) CHECK (arr_saved >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz,
  UNIQUE (organization_id, id),
  CHECK (closed_at IS NULL OR closed_at >= created_at),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, playbook_id) REFERENCES csm_playbooks (organization_id, id) ON DELETE SET NULL (playbook_id),
  FOREIGN KEY (organization_id, owner_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX idx_save_plays_customer_id ON save_plays (organization_id, customer_id);
CREATE INDEX idx_save_plays_status ON save_plays (organization_id, status);
CREATE INDEX idx_save_plays_risk_level ON save_plays (organization_id, risk_level);
SELECT clientele_tenant_table('save_plays');

CREATE TABLE qbrs (
  id                    uuid PRIMARY KEY,
  organization_id       uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id           uuid NOT NULL,
  -- "Q1 2026".
  quarter               varchar(10) NOT NULL CHECK (quarter ~ '^Q[1-4] [0-9]{4}$'),
  scheduled_date        date,
  completed_date        date,
  status                varchar(50) NOT NULL DEFAULT 'planned'
                        CHECK (status IN ('planned', 'scheduled', 'completed', 'cancelled')),
  attendees             jsonb,
  exec_sponsor_attended boolean NOT NULL DEFAULT false,
  presentation_url      text,
  recording_url         text,
  summary               text,
  wins                  jsonb,
  challenges            jsonb,
  action_items          jsonb,
  -- Same scales as customers.nps_score and customers.health_score.
  nps_score             integer CHECK (nps_score BETWEEN -100 AND 100),
  health_score_at_qbr   integer CHECK (health_score_at_qbr BETWEEN 0 AND 100),
  expansion_discussed   boolean NOT NULL DEFAULT false,
  renewal_discussed     boolean NOT NULL DEFAULT false,
  created_by            uuid,
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX idx_qbrs_customer_id ON qbrs (organization_id, customer_id);
CREATE INDEX idx_qbrs_quarter ON qbrs (organization_id, quarter);
CREATE INDEX idx_qbrs_status ON qbrs (organization_id, status);
SELECT clientele_tenant_table('qbrs');

CREATE TABLE account_plans (
  id                    uuid PRIMARY KEY,
  organization_id       uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id           uuid NOT NULL,
  fiscal_year           varchar(10) NOT NULL,
  status                varchar(50) NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'pending_approval', 'approved', 'active', 'archived')),
  strategic_objectives  jsonb,
  success_metrics       jsonb,
  stakeholder_map       jsonb,
  relationship_goals    jsonb,
  expansion_targets     jsonb,
  risk_mitigation       jsonb,
  qbr_schedule          jsonb,
  resource_allocation   jsonb,
  competitive_landscape text,
  notes                 text,
  owner_id              uuid,
  approved_by           uuid,
  approved_at           timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Seed: UNIQUE (customer_id, fiscal_year); also serves the customer_id index.
  UNIQUE (organization_id, customer_id, fiscal_year),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, owner_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (owner_id),
  FOREIGN KEY (organization_id, approved_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (approved_by)
);
CREATE INDEX idx_account_plans_fiscal_year ON account_plans (organization_id, fiscal_year);
CREATE INDEX idx_account_plans_status ON account_plans (organization_id, status);
SELECT clientele_tenant_table('account_plans');
