-- Seed 004: the sales assistant (industries, companies, prospects, solutions catalog,
-- events, interactions, outreach drafts, prospect research) and LLM usage accounting.
-- Everything here belongs to one organization. SERIAL ids become uuid; the seed's enum
-- types (prospect_status, pricing_models, interaction_types) are varchar + CHECK so a
-- value can be added with one ALTER instead of ALTER TYPE ... ADD VALUE.
-- Seed 004's alembic_version is the migrator's own schema_migrations table.
-- ON DELETE (the seed writes none): owned children CASCADE with their parent, optional
-- links SET NULL, required links to lookup rows RESTRICT (delete the dependants first).

CREATE TABLE industries (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            varchar(255) NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- A classification list: one row per name within a tenant.
  UNIQUE (organization_id, name)
);
SELECT clientele_tenant_table('industries');

CREATE TABLE companies (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            varchar(255) NOT NULL,
  industry_id     uuid NOT NULL,
  size            varchar(255) NOT NULL,
  website         varchar(255),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, industry_id) REFERENCES industries (organization_id, id) ON DELETE RESTRICT
);
CREATE INDEX idx_companies_industry_id ON companies (organization_id, industry_id);
CREATE INDEX idx_companies_name ON companies (organization_id, name);
SELECT clientele_tenant_table('companies');

CREATE TABLE prospects (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  full_name         varchar(255) NOT NULL,
  email             varchar(255) NOT NULL,
  linkedin_url      varchar(255),
  location          varchar(255),
  company_id        uuid NOT NULL,
  last_contacted_at timestamptz,
  is_active         boolean NOT NULL DEFAULT true,
  -- Seed enum prospect_status (values documented in docs/schema-notes-002-003-004.md).
  status            varchar(50) NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'researching', 'contacted', 'engaged', 'qualified',
                                      'unqualified', 'converted', 'lost')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, company_id) REFERENCES companies (organization_id, id) ON DELETE RESTRICT
);
CREATE INDEX idx_prospects_company_id ON prospects (organization_id, company_id);
CREATE INDEX idx_prospects_email ON prospects (organization_id, lower(email));
CREATE INDEX idx_prospects_status ON prospects (organization_id, status) WHERE is_active;
SELECT clientele_tenant_table('prospects');

CREATE TABLE solutions (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            varchar(255) NOT NULL,
  category        varchar(255) NOT NULL,
  description     text NOT NULL,
  use_cases       jsonb,
  keywords        jsonb,
  -- Seed enum pricing_models.
  pricing_model   varchar(50) NOT NULL
                  CHECK (pricing_model IN ('subscription', 'per_seat', 'usage_based', 'tiered',
                                           'flat_rate', 'one_time', 'freemium', 'custom')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_solutions_category ON solutions (organization_id, category);
-- Matching prospects to solutions searches the keyword list.
CREATE INDEX idx_solutions_keywords ON solutions USING gin (keywords jsonb_path_ops);
SELECT clientele_tenant_table('solutions');

-- Junction industries <-> solutions. The seed's composite primary key becomes the
-- platform's uuid id plus a tenant-scoped unique pair.
CREATE TABLE industry_solutions (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  industry_id     uuid NOT NULL,
  solution_id     uuid NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, industry_id, solution_id),
  FOREIGN KEY (organization_id, industry_id) REFERENCES industries (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, solution_id) REFERENCES solutions (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_industry_solutions_solution_id ON industry_solutions (organization_id, solution_id);
SELECT clientele_tenant_table('industry_solutions');

CREATE TABLE events (
  id                 uuid PRIMARY KEY,
  organization_id    uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  event_type         varchar(255) NOT NULL,
  event_date         timestamptz NOT NULL,
  description        text NOT NULL,
  location           varchar(255) NOT NULL,
  target_industries  jsonb,
  target_roles       jsonb,
  solutions_featured jsonb,
  status             varchar(255) NOT NULL DEFAULT 'planned'
                     CHECK (status IN ('planned', 'upcoming', 'ongoing', 'completed', 'cancelled')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_events_event_date ON events (organization_id, event_date);
CREATE INDEX idx_events_status ON events (organization_id, status);
SELECT clientele_tenant_table('events');

CREATE TABLE interactions (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  prospect_id      uuid NOT NULL,
  event_id         uuid,
  -- Seed enum interaction_types.
  interaction_type varchar(50) NOT NULL
                   CHECK (interaction_type IN ('email', 'call', 'meeting', 'linkedin', 'event',
                                               'demo', 'note', 'other')),
  interaction_date timestamptz NOT NULL,
  subject          varchar(255) NOT NULL,
  content          text NOT NULL,
  sentiment        varchar(255) CHECK (sentiment IN ('positive', 'neutral', 'negative', 'mixed')),
  outcome          text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, prospect_id) REFERENCES prospects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_id) REFERENCES events (organization_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX idx_interactions_prospect_date ON interactions (organization_id, prospect_id, interaction_date DESC);
CREATE INDEX idx_interactions_event_id ON interactions (organization_id, event_id) WHERE event_id IS NOT NULL;
SELECT clientele_tenant_table('interactions');

CREATE TABLE outreach_drafts (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  prospect_id     uuid NOT NULL,
  event_id        uuid,
  draft_type      varchar(255) NOT NULL,
  content         text NOT NULL,
  status          varchar(255) NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'approved', 'rejected', 'sent', 'archived')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, prospect_id) REFERENCES prospects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_id) REFERENCES events (organization_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX idx_outreach_drafts_prospect_id ON outreach_drafts (organization_id, prospect_id);
CREATE INDEX idx_outreach_drafts_status ON outreach_drafts (organization_id, status);
SELECT clientele_tenant_table('outreach_drafts');

CREATE TABLE prospect_research (
  id                    uuid PRIMARY KEY,
  organization_id       uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  prospect_id           uuid NOT NULL,
  research_summary      text NOT NULL,
  key_insights          jsonb,
  recommended_solutions jsonb,
  -- A model's confidence, 0..1 (not money, so double precision stays).
  confidence_score      double precision CHECK (confidence_score BETWEEN 0 AND 1),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, prospect_id) REFERENCES prospects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_prospect_research_prospect_id ON prospect_research (organization_id, prospect_id, created_at DESC);
SELECT clientele_tenant_table('prospect_research');

-- Every model call, per organization (DESIGN §6). The seed's column `worfklow_name` is a
-- typo: it is `workflow_name` here. cost is money: numeric, with 6 decimals because a
-- single call costs fractions of a cent (numeric(10,2) would round most calls to 0).
CREATE TABLE llm_usage_logs (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  workflow_name     varchar(255) NOT NULL,
  node_name         varchar(255) NOT NULL,
  model             varchar(255) NOT NULL,
  prompt_tokens     integer NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens integer NOT NULL CHECK (completion_tokens >= 0),
  total_tokens      integer NOT NULL CHECK (total_tokens >= 0),
  latency_ms        integer NOT NULL CHECK (latency_ms >= 0),
  cost              numeric(14,6) NOT NULL CHECK (cost >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_llm_usage_logs_created_at ON llm_usage_logs (organization_id, created_at);
CREATE INDEX idx_llm_usage_logs_workflow ON llm_usage_logs (organization_id, workflow_name, created_at);
CREATE INDEX idx_llm_usage_logs_model ON llm_usage_logs (organization_id, model, created_at);
SELECT clientele_tenant_table('llm_usage_logs');
