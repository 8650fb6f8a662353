-- Issue 10: billing that bills (docs/billing.md). The plan catalogue, invoice lines with totals
-- computed here, gapless invoice numbers per organization and year, payments that settle their
-- invoice, refunds, per-event idempotency of usage events, scheduled plan changes and dunning state.
-- Derived money (line amounts, invoice totals, subscription MRR/ARR, customers' MRR/ARR/LTV) is
-- computed by triggers so that every write path (domain actions, the generic API, imports, demo)
-- agrees. A trigger that refuses a transition raises SQLSTATE 'CL409' (rendered as a 409 problem).

-- Money is rounded once, half-even (banker's rounding), to the cent.
CREATE OR REPLACE FUNCTION billing_round_half_even(v numeric, places integer DEFAULT 2) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN abs(v * power(10::numeric, places) - trunc(v * power(10::numeric, places))) = 0.5
      THEN (trunc(v * power(10::numeric, places))
            + CASE WHEN mod(trunc(v * power(10::numeric, places)), 2) = 0 THEN 0 ELSE sign(v) END)
           / power(10::numeric, places)
    ELSE round(v, places)
  END
$$;

-- The plan catalogue: what each of the seed's plan codes costs per billing cycle.
CREATE TABLE plans (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  code            varchar(50) NOT NULL CHECK (code IN ('free', 'basic', 'premium', 'enterprise')),
  billing_cycle   varchar(20) NOT NULL DEFAULT 'monthly' CHECK (billing_cycle IN ('monthly', 'annual')),
  name            varchar(100) NOT NULL,
  -- Prices are per billing period (a month or a year).
  base_price      numeric(10,2) NOT NULL DEFAULT 0 CHECK (base_price >= 0),
  price_per_seat  numeric(10,2) NOT NULL DEFAULT 0 CHECK (price_per_seat >= 0),
  currency        varchar(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  -- [{"event_type": "api_call", "included": 10000, "unit_price": 0.002}, ...] per period.
  usage_pricing   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(usage_pricing) = 'array'),
  trial_days      integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 365),
  is_active       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, code, billing_cycle)
);
SELECT clientele_tenant_table('plans');

ALTER TABLE subscriptions
  ADD COLUMN scheduled_plan varchar(50) CHECK (scheduled_plan IN ('free', 'basic', 'premium', 'enterprise')),
  ADD COLUMN scheduled_billing_cycle varchar(20) CHECK (scheduled_billing_cycle IN ('monthly', 'annual'));
-- The renewal run scans subscriptions whose period has ended.
CREATE INDEX idx_subscriptions_renewal_due ON subscriptions (current_period_end)
  WHERE status IN ('active', 'past_due', 'trialing') AND deleted_at IS NULL;

ALTER TABLE invoices
  ADD COLUMN subtotal numeric(12,2) NOT NULL DEFAULT 0,
  ADD COLUMN credits_applied numeric(10,2) NOT NULL DEFAULT 0 CHECK (credits_applied >= 0),
  ADD COLUMN amount_paid numeric(10,2) NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
  ADD COLUMN period_start timestamptz,
  ADD COLUMN period_end timestamptz,
  ADD COLUMN billing_reason varchar(30) NOT NULL DEFAULT 'manual'
    CHECK (billing_reason IN ('manual', 'subscription_cycle', 'subscription_update')),
  ADD COLUMN voided_at timestamptz,
  ADD COLUMN sent_at timestamptz,
  ADD COLUMN reminders_sent integer NOT NULL DEFAULT 0 CHECK (reminders_sent >= 0),
  ADD COLUMN last_reminder_at timestamptz;
-- Renewal is idempotent: one cycle invoice per subscription and period.
CREATE UNIQUE INDEX invoices_one_per_subscription_period ON invoices (organization_id, subscription_id, period_start)
  WHERE billing_reason = 'subscription_cycle';

CREATE TABLE invoice_lines (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  invoice_id      uuid NOT NULL,
  kind            varchar(20) NOT NULL CHECK (kind IN ('base', 'seat', 'usage', 'proration', 'credit')),
  description     varchar(500) NOT NULL,
  quantity        numeric(14,4) NOT NULL DEFAULT 1,
  unit_price      numeric(12,4) NOT NULL,
  -- quantity × unit_price rounded half-even to the cent (set by the trigger; credits are negative).
  amount          numeric(12,2) NOT NULL DEFAULT 0,
  period_start    timestamptz,
  period_end      timestamptz,
  event_type      varchar(50),
  credit_id       uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
  FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, credit_id) REFERENCES credits (organization_id, id) ON DELETE SET NULL (credit_id)
);
CREATE INDEX idx_invoice_lines_invoice ON invoice_lines (organization_id, invoice_id);
SELECT clientele_tenant_table('invoice_lines');

-- Gapless numbering: the finalizing transaction increments its organization's counter for the
-- year; the row lock serializes concurrent finalizations and a rollback gives the number back.
CREATE TABLE invoice_number_sequences (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_number     integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, year)
);
SELECT clientele_tenant_table('invoice_number_sequences', 'SELECT, INSERT, UPDATE');

ALTER TABLE payments
  ADD COLUMN refunded_amount numeric(10,2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
  -- The part of refunded_amount that reopened the invoice's balance (the rest became a credit).
  ADD COLUMN reopened_amount numeric(10,2) NOT NULL DEFAULT 0 CHECK (reopened_amount >= 0),
  ADD CONSTRAINT payments_refunded_amount_lte_amount_check CHECK (refunded_amount <= amount),
  ADD CONSTRAINT payments_reopened_amount_lte_refunded_amount_check CHECK (reopened_amount <= refunded_amount);

-- A client's idempotency id per usage event: a replay of the same id changes nothing.
ALTER TABLE usage_events ADD COLUMN idempotency_id varchar(255);
CREATE UNIQUE INDEX usage_events_idempotency ON usage_events (organization_id, idempotency_id)
  WHERE idempotency_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Derived money.

-- A line's amount is quantity × unit price, rounded once; lines change only on draft invoices.
CREATE OR REPLACE FUNCTION billing_invoice_line_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE inv_status text;
BEGIN
  SELECT status INTO inv_status FROM invoices
  WHERE organization_id = coalesce(NEW.organization_id, OLD.organization_id) AND id = coalesce(NEW.invoice_id, OLD.invoice_id);
  IF inv_status IS NOT NULL AND inv_status <> 'draft' THEN
    RAISE EXCEPTION 'The invoice is %: its lines can change only while it is a draft.', inv_status
      USING ERRCODE = 'CL409', COLUMN = 'invoice_id';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  NEW.amount := billing_round_half_even(NEW.quantity * NEW.unit_price, 2);
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_guard();

-- A draft invoice's totals are the sums of its lines (credits are the negative 'credit' lines).
CREATE OR REPLACE FUNCTION billing_invoice_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE org uuid := coalesce(NEW.organization_id, OLD.organization_id);
        inv uuid := coalesce(NEW.invoice_id, OLD.invoice_id);
BEGIN
  UPDATE invoices i SET
    subtotal = t.subtotal,
    credits_applied = t.credits,
    amount = greatest(0, t.subtotal - t.credits)
  FROM (SELECT coalesce(sum(amount) FILTER (WHERE kind <> 'credit'), 0) AS subtotal,
               coalesce(-sum(amount) FILTER (WHERE kind = 'credit'), 0) AS credits
        FROM invoice_lines WHERE organization_id = org AND invoice_id = inv) t
  WHERE i.organization_id = org AND i.id = inv AND i.status = 'draft';
  RETURN NULL;
END $$;
CREATE TRIGGER invoice_lines_totals AFTER INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION billing_invoice_totals();

-- MRR/ARR come from the catalogue (plan, cycle, seats) whenever the organization prices the plan;
-- a new subscription without a period starts now, in trial when the plan has trial days.
CREATE OR REPLACE FUNCTION billing_subscription_derive() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE p plans%ROWTYPE;
        period_price numeric;
BEGIN
  SELECT * INTO p FROM plans
  WHERE organization_id = NEW.organization_id AND code = NEW.plan AND billing_cycle = NEW.billing_cycle AND deleted_at IS NULL;
  IF NOT FOUND THEN RETURN NEW; END IF;
  period_price := p.base_price + p.price_per_seat * NEW.seats_total;
  IF NEW.billing_cycle = 'annual' THEN
    NEW.arr := period_price;
    NEW.mrr := billing_round_half_even(period_price / 12, 2);
  ELSE
    NEW.mrr := period_price;
    NEW.arr := period_price * 12;
  END IF;
  IF TG_OP = 'INSERT' AND NEW.current_period_start IS NULL THEN
    NEW.current_period_start := now();
    IF p.trial_days > 0 AND NEW.status = 'active' THEN
      NEW.status := 'trialing';
      NEW.trial_start := now();
      NEW.trial_end := now() + make_interval(days => p.trial_days);
      NEW.current_period_end := NEW.trial_end;
    ELSE
      NEW.current_period_end := now() + CASE WHEN NEW.billing_cycle = 'annual' THEN interval '1 year' ELSE interval '1 month' END;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subscriptions_derive BEFORE INSERT OR UPDATE OF plan, billing_cycle, seats_total, mrr, arr ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION billing_subscription_derive();

-- customers.mrr/arr: the sums over the customer's live (active or past_due) subscriptions;
-- customers.ltv: what the customer paid and kept (succeeded payments minus refunds).
-- Statement-level with transition tables: a bulk write refreshes each touched customer once.
CREATE OR REPLACE FUNCTION billing_refresh_customers(orgs uuid[], custs uuid[]) RETURNS void
LANGUAGE sql AS $$
  -- Correlated sums: one index probe per touched customer, whatever the planner thinks of unnest().
  UPDATE customers c SET
    mrr = (SELECT coalesce(sum(s.mrr), 0) FROM subscriptions s WHERE s.organization_id = c.organization_id AND s.customer_id = c.id
             AND s.status IN ('active', 'past_due') AND s.deleted_at IS NULL),
    arr = (SELECT coalesce(sum(s.arr), 0) FROM subscriptions s WHERE s.organization_id = c.organization_id AND s.customer_id = c.id
             AND s.status IN ('active', 'past_due') AND s.deleted_at IS NULL),
    ltv = (SELECT coalesce(sum(p.amount - p.refunded_amount), 0) FROM payments p WHERE p.organization_id = c.organization_id AND p.customer_id = c.id
             AND p.status IN ('succeeded', 'refunded') AND p.deleted_at IS NULL)
  FROM (SELECT DISTINCT org, cust FROM unnest(orgs, custs) AS k(org, cust) WHERE cust IS NOT NULL) k
  WHERE c.organization_id = k.org AND c.id = k.cust
$$;
CREATE OR REPLACE FUNCTION billing_customer_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE orgs uuid[];
        custs uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(organization_id), array_agg(customer_id) INTO orgs, custs FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(organization_id), array_agg(customer_id) INTO orgs, custs FROM old_rows;
  ELSE
    SELECT array_agg(o), array_agg(c) INTO orgs, custs FROM (
      SELECT organization_id AS o, customer_id AS c FROM old_rows UNION SELECT organization_id, customer_id FROM new_rows) u;
  END IF;
  IF orgs IS NOT NULL THEN PERFORM billing_refresh_customers(orgs, custs); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER subscriptions_customer_totals_ins AFTER INSERT ON subscriptions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();
CREATE TRIGGER subscriptions_customer_totals_upd AFTER UPDATE ON subscriptions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();
CREATE TRIGGER subscriptions_customer_totals_del AFTER DELETE ON subscriptions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();
CREATE TRIGGER payments_customer_totals_ins AFTER INSERT ON payments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();
CREATE TRIGGER payments_customer_totals_upd AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();
CREATE TRIGGER payments_customer_totals_del AFTER DELETE ON payments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_customer_totals();

-- A succeeded payment against an invoice settles it: not on a draft or void invoice, never more
-- than the balance, never twice (an invoice whose payments already cover it answers 409).
CREATE OR REPLACE FUNCTION billing_payment_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE inv invoices%ROWTYPE;
BEGIN
  IF NEW.invoice_id IS NULL OR NEW.status <> 'succeeded' THEN RETURN NEW; END IF;
  IF TG_OP = 'UPDATE' AND OLD.status IN ('succeeded', 'refunded') THEN RETURN NEW; END IF;
  SELECT * INTO inv FROM invoices WHERE organization_id = NEW.organization_id AND id = NEW.invoice_id FOR UPDATE;
  IF NOT FOUND THEN RETURN NEW; END IF;
  IF inv.status IN ('draft', 'void') THEN
    RAISE EXCEPTION 'The invoice is %: only an open (or uncollectible) invoice can be paid.', inv.status
      USING ERRCODE = 'CL409', COLUMN = 'invoice_id';
  END IF;
  IF inv.amount_paid >= inv.amount THEN
    RAISE EXCEPTION 'The invoice is already paid (% of % %): this would be a double payment.', inv.amount_paid, inv.amount, inv.currency
      USING ERRCODE = 'CL409', COLUMN = 'invoice_id';
  END IF;
  IF NEW.currency <> inv.currency THEN
    RAISE EXCEPTION 'The payment is in % but the invoice is in %.', NEW.currency, inv.currency
      USING ERRCODE = 'P0001', COLUMN = 'currency';
  END IF;
  IF NEW.amount > inv.amount - inv.amount_paid THEN
    RAISE EXCEPTION 'The amount % exceeds the balance due of % %.', NEW.amount, inv.amount - inv.amount_paid, inv.currency
      USING ERRCODE = 'P0001', COLUMN = 'amount';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payments_guard BEFORE INSERT OR UPDATE OF status, amount, invoice_id ON payments
  FOR EACH ROW EXECUTE FUNCTION billing_payment_guard();

-- The invoice's amount_paid follows its payments; covering the total makes it paid, a refund
-- that reopens the balance makes it open again. A paid invoice brings its subscription back
-- from dunning when nothing else of it is overdue.
CREATE OR REPLACE FUNCTION billing_refresh_invoice_payments(org uuid, inv_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE paid numeric;
        inv invoices%ROWTYPE;
BEGIN
  SELECT coalesce(sum(amount - reopened_amount), 0) INTO paid FROM payments
  WHERE organization_id = org AND invoice_id = inv_id AND status IN ('succeeded', 'refunded') AND deleted_at IS NULL;
  UPDATE invoices SET amount_paid = paid,
    status = CASE WHEN status IN ('open', 'uncollectible') AND paid >= amount THEN 'paid'
                  WHEN status = 'paid' AND paid < amount AND amount_paid > paid THEN 'open'
                  ELSE status END,
    paid_at = CASE WHEN status IN ('open', 'uncollectible') AND paid >= amount THEN now()
                   WHEN status = 'paid' AND paid < amount AND amount_paid > paid THEN NULL
                   ELSE paid_at END
  WHERE organization_id = org AND id = inv_id
  RETURNING * INTO inv;
  IF inv.status = 'paid' AND inv.subscription_id IS NOT NULL THEN
    UPDATE subscriptions s SET status = 'active'
    WHERE s.organization_id = org AND s.id = inv.subscription_id AND s.status IN ('past_due', 'unpaid')
      AND NOT EXISTS (SELECT 1 FROM invoices o WHERE o.organization_id = org AND o.subscription_id = s.id
                        AND o.status IN ('open', 'uncollectible') AND o.due_at < now());
  END IF;
END $$;
CREATE OR REPLACE FUNCTION billing_payment_settles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.invoice_id IS NOT NULL THEN PERFORM billing_refresh_invoice_payments(OLD.organization_id, OLD.invoice_id); END IF;
  IF TG_OP <> 'DELETE' AND NEW.invoice_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.invoice_id IS DISTINCT FROM OLD.invoice_id) THEN
    PERFORM billing_refresh_invoice_payments(NEW.organization_id, NEW.invoice_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER payments_settle AFTER INSERT OR UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION billing_payment_settles();

-- Existing rows: customers' sums as they are defined from now on.
UPDATE customers c SET mrr = s.mrr, arr = s.arr
FROM (SELECT organization_id, customer_id, sum(mrr) AS mrr, sum(arr) AS arr FROM subscriptions
      WHERE status IN ('active', 'past_due') AND deleted_at IS NULL GROUP BY organization_id, customer_id) s
WHERE c.organization_id = s.organization_id AND c.id = s.customer_id;
UPDATE invoices i SET amount_paid = least(i.amount, p.paid)
FROM (SELECT organization_id, invoice_id, sum(amount) AS paid FROM payments
      WHERE status = 'succeeded' AND invoice_id IS NOT NULL GROUP BY organization_id, invoice_id) p
WHERE i.organization_id = p.organization_id AND i.id = p.invoice_id;

-- The billing jobs run for every organization with due work; the tenant is not known before
-- (same pattern as clientele_find_login): renewals due, open invoices past due, credits expired.
CREATE OR REPLACE FUNCTION billing_orgs_with_due_work(p_now timestamptz)
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT organization_id FROM subscriptions
  WHERE current_period_end <= p_now AND status IN ('active', 'past_due', 'trialing') AND deleted_at IS NULL
  UNION
  SELECT organization_id FROM invoices WHERE status = 'open' AND due_at < p_now AND deleted_at IS NULL
  UNION
  SELECT organization_id FROM credits WHERE status = 'active' AND expires_at <= p_now AND deleted_at IS NULL
$$;
REVOKE ALL ON FUNCTION billing_orgs_with_due_work(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing_orgs_with_due_work(timestamptz) TO clientele_app;
