-- Sales and leads (seed 000 §4): leads, deals, sales activities, quotes.
-- Seed 000's "→ employees" references are users (employees were merged into users).

CREATE TABLE leads (
  id                       uuid PRIMARY KEY,
  organization_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email                    varchar(255),
  name                     varchar(255),
  company                  varchar(255),
  title                    varchar(255),
  phone                    varchar(50),
  -- BANT: budget, authority, need, timeline.
  budget                   varchar(50),
  authority                varchar(50),
  need_score               numeric(3,2) CHECK (need_score BETWEEN 0 AND 1),
  timeline                 varchar(50),
  lead_score               integer NOT NULL DEFAULT 0 CHECK (lead_score BETWEEN 0 AND 100),
  qualification_status     varchar(50) NOT NULL DEFAULT 'new' CHECK (qualification_status IN ('new', 'mql', 'sql', 'qualified', 'disqualified', 'converted')),
  source                   varchar(50),
  assigned_to              uuid,
  converted_to_customer_id uuid,
  converted_at             timestamptz,
  extra_metadata           jsonb,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  created_by               uuid,
  updated_by               uuid,
  deleted_at               timestamptz,
  deleted_by               uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, assigned_to) REFERENCES users (organization_id, id) ON DELETE SET NULL (assigned_to),
  FOREIGN KEY (organization_id, converted_to_customer_id) REFERENCES customers (organization_id, id) ON DELETE SET NULL (converted_to_customer_id)
);
CREATE INDEX idx_leads_email ON leads (organization_id, email);
CREATE INDEX idx_leads_qualification_status ON leads (organization_id, qualification_status);
CREATE INDEX idx_leads_lead_score ON leads (organization_id, lead_score);
CREATE INDEX idx_leads_assigned_to ON leads (organization_id, assigned_to);
CREATE INDEX idx_leads_converted_to_customer ON leads (organization_id, converted_to_customer_id);
SELECT clientele_tenant_table('leads');

CREATE TABLE deals (
  id                  uuid PRIMARY KEY,
  organization_id     uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  lead_id             uuid,
  customer_id         uuid,
  name                varchar(255) NOT NULL,
  value               numeric(10,2) NOT NULL DEFAULT 0 CHECK (value >= 0),
  currency            varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  stage               varchar(50) NOT NULL DEFAULT 'prospecting' CHECK (stage IN ('prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost')),
  probability         integer NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
  expected_close_date timestamptz,
  closed_at           timestamptz,
  lost_reason         text,
  assigned_to         uuid,
  extra_metadata      jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  created_by          uuid,
  updated_by          uuid,
  deleted_at          timestamptz,
  deleted_by          uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, lead_id) REFERENCES leads (organization_id, id) ON DELETE SET NULL (lead_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE SET NULL (customer_id),
  FOREIGN KEY (organization_id, assigned_to) REFERENCES users (organization_id, id) ON DELETE SET NULL (assigned_to)
);
CREATE INDEX idx_deals_lead ON deals (organization_id, lead_id);
CREATE INDEX idx_deals_customer ON deals (organization_id, customer_id);
CREATE INDEX idx_deals_stage ON deals (organization_id, stage);
CREATE INDEX idx_deals_assigned_to ON deals (organization_id, assigned_to);
SELECT clientele_tenant_table('deals');

CREATE TABLE sales_activities (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  deal_id         uuid,
  lead_id         uuid,
  activity_type   varchar(50) NOT NULL CHECK (activity_type IN ('call', 'email', 'meeting', 'demo', 'proposal', 'follow_up')),
  subject         varchar(255),
  description     text,
  outcome         varchar(50),
  scheduled_at    timestamptz,
  completed_at    timestamptz,
  performed_by    uuid,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  -- An activity is about a deal, a lead, or both.
  CONSTRAINT sales_activities_deal_or_lead_check CHECK (deal_id IS NOT NULL OR lead_id IS NOT NULL),
  FOREIGN KEY (organization_id, deal_id) REFERENCES deals (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lead_id) REFERENCES leads (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, performed_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (performed_by)
);
CREATE INDEX idx_sales_activities_deal ON sales_activities (organization_id, deal_id);
CREATE INDEX idx_sales_activities_lead ON sales_activities (organization_id, lead_id);
CREATE INDEX idx_sales_activities_type ON sales_activities (organization_id, activity_type);
SELECT clientele_tenant_table('sales_activities');

CREATE TABLE quotes (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  deal_id         uuid,
  customer_id     uuid,
  quote_number    varchar(50),
  total_amount    numeric(10,2) CHECK (total_amount >= 0),
  currency        varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  status          varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired')),
  valid_until     timestamptz,
  accepted_at     timestamptz,
  line_items      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(line_items) = 'array'),
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  -- Seed 000: quote_number UNIQUE; per tenant, never reused.
  UNIQUE (organization_id, quote_number),
  FOREIGN KEY (organization_id, deal_id) REFERENCES deals (organization_id, id) ON DELETE SET NULL (deal_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE SET NULL (customer_id)
);
CREATE INDEX idx_quotes_deal ON quotes (organization_id, deal_id);
CREATE INDEX idx_quotes_customer ON quotes (organization_id, customer_id);
SELECT clientele_tenant_table('quotes');
