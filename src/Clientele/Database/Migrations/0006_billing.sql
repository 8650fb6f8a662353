-- Billing of the tenant's own customers (seed 000 §3): subscriptions, invoices, payments,
-- usage events (merged with seed 003's), credit grants; plus seed 001's prepaid AI message
-- credits of the organization (message_credits). The platform billing the organization
-- through Stripe (seed 002) is a different concept in its own tables.

CREATE TABLE subscriptions (
  id                   uuid PRIMARY KEY,
  organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id          uuid NOT NULL,
  plan                 varchar(50) NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'basic', 'premium', 'enterprise')),
  billing_cycle        varchar(20) NOT NULL DEFAULT 'monthly' CHECK (billing_cycle IN ('monthly', 'annual')),
  mrr                  numeric(10,2) CHECK (mrr >= 0),
  arr                  numeric(10,2) CHECK (arr >= 0),
  seats_total          integer NOT NULL DEFAULT 1 CHECK (seats_total >= 0),
  seats_used           integer NOT NULL DEFAULT 0 CHECK (seats_used >= 0),
  status               varchar(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'past_due', 'canceled', 'unpaid', 'trialing')),
  current_period_start timestamptz,
  current_period_end   timestamptz,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  canceled_at          timestamptz,
  trial_start          timestamptz,
  trial_end            timestamptz,
  extra_metadata       jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  created_by           uuid,
  updated_by           uuid,
  deleted_at           timestamptz,
  deleted_by           uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT subscriptions_seats_used_lte_seats_total_check CHECK (seats_used <= seats_total),
  CONSTRAINT subscriptions_current_period_end_check CHECK (current_period_end IS NULL OR current_period_start IS NULL OR current_period_end >= current_period_start),
  CONSTRAINT subscriptions_trial_end_check CHECK (trial_end IS NULL OR trial_start IS NULL OR trial_end >= trial_start),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_subscriptions_customer ON subscriptions (organization_id, customer_id);
CREATE INDEX idx_subscriptions_status ON subscriptions (organization_id, status);
-- Seed 000 "active subscriptions ending soon".
CREATE INDEX idx_subscriptions_active_period_end ON subscriptions (organization_id, current_period_end)
  WHERE status = 'active' AND deleted_at IS NULL;
SELECT clientele_tenant_table('subscriptions');

CREATE TABLE invoices (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  subscription_id uuid,
  invoice_number  varchar(50),
  amount          numeric(10,2) NOT NULL CHECK (amount >= 0),
  currency        varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  status          varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  issued_at       timestamptz,
  due_at          timestamptz,
  paid_at         timestamptz,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  -- Seed 000: invoice_number UNIQUE; per tenant, and never reused (even after a soft delete).
  UNIQUE (organization_id, invoice_number),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, subscription_id) REFERENCES subscriptions (organization_id, id) ON DELETE SET NULL (subscription_id)
);
CREATE INDEX idx_invoices_customer ON invoices (organization_id, customer_id);
CREATE INDEX idx_invoices_status ON invoices (organization_id, status);
CREATE INDEX idx_invoices_subscription ON invoices (organization_id, subscription_id);
-- The overdue-invoices job scans open invoices by due date.
CREATE INDEX idx_invoices_open_due_at ON invoices (organization_id, due_at) WHERE status = 'open';
SELECT clientele_tenant_table('invoices');

CREATE TABLE payments (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  invoice_id      uuid,
  amount          numeric(10,2) NOT NULL CHECK (amount >= 0),
  currency        varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  status          varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled', 'refunded')),
  payment_method  varchar(50),
  -- The processor's id: duplicates of a provider event are detected by it.
  transaction_id  varchar(255),
  processed_at    timestamptz,
  failed_reason   text,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, transaction_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id) ON DELETE SET NULL (invoice_id)
);
CREATE INDEX idx_payments_customer ON payments (organization_id, customer_id);
CREATE INDEX idx_payments_invoice ON payments (organization_id, invoice_id);
CREATE INDEX idx_payments_status ON payments (organization_id, status);
SELECT clientele_tenant_table('payments');

-- usage_events: seed 000 (metered quantity and unit) merged with seed 003 (product events of
-- a customer's end users). 003's user_id identifies the customer's end user, not a Clientele
-- user, so it is end_user_id here. quantity defaults to 1: one event.
CREATE TABLE usage_events (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  event_type      varchar(50) NOT NULL,
  quantity        integer NOT NULL DEFAULT 1 CHECK (quantity >= 0),
  unit            varchar(50),
  end_user_id     varchar(255),
  "timestamp"     timestamptz NOT NULL DEFAULT now(),
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
CREATE INDEX idx_usage_events_customer_timestamp ON usage_events (organization_id, customer_id, "timestamp");
CREATE INDEX idx_usage_events_event_type ON usage_events (organization_id, event_type);
SELECT clientele_tenant_table('usage_events');

-- credits (seed 000): a credit granted to a customer; used_amount of it is spent.
CREATE TABLE credits (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid NOT NULL,
  amount          numeric(10,2) NOT NULL CHECK (amount >= 0),
  currency        varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  credit_type     varchar(50) NOT NULL CHECK (credit_type IN ('promotional', 'refund', 'goodwill', 'migration')),
  reason          text,
  expires_at      timestamptz,
  used_amount     numeric(10,2) NOT NULL DEFAULT 0 CHECK (used_amount >= 0),
  status          varchar(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'used', 'expired', 'canceled')),
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT credits_used_amount_lte_amount_check CHECK (used_amount <= amount),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_credits_customer ON credits (organization_id, customer_id);
CREATE INDEX idx_credits_status ON credits (organization_id, status);
SELECT clientele_tenant_table('credits');

-- message_credits: seed 001's `credits`, the organization's prepaid AI message balance
-- (one row per organization; 001 keyed it by its tenant user_id).
CREATE TABLE message_credits (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  remaining_credits integer NOT NULL DEFAULT 0 CHECK (remaining_credits >= 0),
  total_used        integer NOT NULL DEFAULT 0 CHECK (total_used >= 0),
  last_updated      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id)
);
SELECT clientele_tenant_table('message_credits');

-- last_updated is this table's updated_at under the seed's name; keep it current the same way.
CREATE OR REPLACE FUNCTION clientele_touch_last_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.last_updated = now();
  RETURN NEW;
END $$;
CREATE TRIGGER message_credits_last_updated BEFORE UPDATE ON message_credits
  FOR EACH ROW EXECUTE FUNCTION clientele_touch_last_updated();
