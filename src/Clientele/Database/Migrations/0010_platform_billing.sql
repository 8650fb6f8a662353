-- Seed 002 billing: the platform billing each organization through Stripe. Seed 002 calls
-- these subscriptions/invoices, but seed 000's subscriptions/invoices (a tenant billing its
-- own customers) keep those names, so 002's are platform_subscriptions/platform_invoices.
-- payment_methods and usage_records keep their names (no collision).
-- Stripe ids are globally unique at Stripe; the uniques are scoped by organization_id
-- (Citus-ready), and a plain index serves webhook look-ups by Stripe id.
-- Writes come from Stripe webhooks: the API must expose these tables read-only to tenants.

CREATE TABLE platform_subscriptions (
  id                     uuid PRIMARY KEY,
  organization_id        uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  stripe_customer_id     varchar(255),
  stripe_subscription_id varchar(255),
  plan                   varchar(50) NOT NULL
                         CHECK (plan IN ('free', 'starter', 'pro', 'business', 'enterprise')),
  -- Stripe's subscription statuses.
  status                 varchar(50) NOT NULL
                         CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid',
                                           'incomplete', 'incomplete_expired', 'paused')),
  current_period_start   timestamptz,
  current_period_end     timestamptz,
  cancel_at_period_end   boolean NOT NULL DEFAULT false,
  trial_end              timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Seed: UNIQUE(organization_id): one platform subscription per organization.
  UNIQUE (organization_id),
  UNIQUE (organization_id, stripe_customer_id),
  UNIQUE (organization_id, stripe_subscription_id),
  CHECK (current_period_end IS NULL OR current_period_start IS NULL OR current_period_end >= current_period_start)
);
CREATE INDEX idx_platform_subscriptions_stripe_customer_id ON platform_subscriptions (stripe_customer_id);
CREATE INDEX idx_platform_subscriptions_stripe_subscription_id ON platform_subscriptions (stripe_subscription_id);
CREATE INDEX idx_platform_subscriptions_status ON platform_subscriptions (status);
CREATE INDEX idx_platform_subscriptions_active ON platform_subscriptions (organization_id) WHERE status = 'active';
SELECT clientele_tenant_table('platform_subscriptions');

CREATE TABLE platform_invoices (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  subscription_id   uuid,
  stripe_invoice_id varchar(255),
  amount            numeric(10,2) NOT NULL CHECK (amount >= 0),
  -- Stripe's invoice statuses.
  status            varchar(50) NOT NULL
                    CHECK (status IN ('draft', 'open', 'paid', 'uncollectible', 'void')),
  invoice_pdf       text,
  due_date          timestamptz NOT NULL,
  paid_at           timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, stripe_invoice_id),
  FOREIGN KEY (organization_id, subscription_id) REFERENCES platform_subscriptions (organization_id, id)
    ON DELETE SET NULL (subscription_id)
);
CREATE INDEX idx_platform_invoices_stripe_invoice_id ON platform_invoices (stripe_invoice_id);
CREATE INDEX idx_platform_invoices_status ON platform_invoices (organization_id, status);
CREATE INDEX idx_platform_invoices_due_date ON platform_invoices (organization_id, due_date);
CREATE INDEX idx_platform_invoices_subscription_id ON platform_invoices (organization_id, subscription_id);
SELECT clientele_tenant_table('platform_invoices');

CREATE TABLE payment_methods (
  id                       uuid PRIMARY KEY,
  organization_id          uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  stripe_payment_method_id varchar(255),
  -- Stripe payment method types the platform accepts.
  type                     varchar(50) NOT NULL
                           CHECK (type IN ('card', 'us_bank_account', 'sepa_debit', 'bacs_debit',
                                           'au_becs_debit', 'acss_debit', 'link', 'paypal')),
  card_brand               varchar(50)
                           CHECK (card_brand IN ('amex', 'diners', 'discover', 'eftpos_au', 'jcb',
                                                 'mastercard', 'unionpay', 'visa', 'unknown')),
  card_last4               varchar(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_exp_month           integer CHECK (card_exp_month BETWEEN 1 AND 12),
  card_exp_year            integer CHECK (card_exp_year BETWEEN 2000 AND 2200),
  is_default               boolean NOT NULL DEFAULT false,
  created_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, stripe_payment_method_id)
);
CREATE INDEX idx_payment_methods_stripe_payment_method_id ON payment_methods (stripe_payment_method_id);
-- is_default means one default method per organization.
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (organization_id) WHERE is_default;
SELECT clientele_tenant_table('payment_methods');

-- Metered usage reported to Stripe; metric types follow the organization limits
-- (max_users, max_agents, max_messages, max_storage) plus tokens, conversations, API calls.
CREATE TABLE usage_records (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  subscription_id uuid,
  metric_type     varchar(50) NOT NULL
                  CHECK (metric_type IN ('messages', 'conversations', 'agents', 'users', 'storage',
                                         'tokens', 'api_calls')),
  quantity        integer NOT NULL CHECK (quantity >= 0),
  period_start    timestamptz NOT NULL,
  period_end      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  CHECK (period_end >= period_start),
  FOREIGN KEY (organization_id, subscription_id) REFERENCES platform_subscriptions (organization_id, id)
    ON DELETE SET NULL (subscription_id)
);
CREATE INDEX idx_usage_records_period ON usage_records (organization_id, period_start, period_end);
CREATE INDEX idx_usage_records_metric_type ON usage_records (organization_id, metric_type);
SELECT clientele_tenant_table('usage_records');

-- Stripe webhooks arrive before a tenant is known: resolve the organization from the
-- Stripe customer id (same pattern as clientele_find_login).
CREATE OR REPLACE FUNCTION clientele_find_org_by_stripe_customer(p_stripe_customer_id text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.organization_id FROM platform_subscriptions s
  WHERE s.stripe_customer_id = p_stripe_customer_id
  LIMIT 1
$$;
REVOKE ALL ON FUNCTION clientele_find_org_by_stripe_customer(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_org_by_stripe_customer(text) TO clientele_app;
