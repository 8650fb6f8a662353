-- Issue 10, console: MRR and ARR over 12 months. One row per organization and calendar month with
-- the MRR/ARR of its live (active or past due) subscriptions, as customers.mrr and /app/billing's
-- "MRR now" sum them. The billing.mrr_snapshot job overwrites the current month's row at every run,
-- so a month that has ended keeps the figure of its last run (source 'snapshot', as_of says when).
-- Months before an organization's first snapshot are backfilled once from the subscription rows
-- (source 'backfill', see billing_mrr_backfill); a backfilled row is never rewritten.
CREATE TABLE mrr_snapshots (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  mrr             numeric(14,2) NOT NULL CHECK (mrr >= 0),
  arr             numeric(14,2) NOT NULL CHECK (arr >= 0),
  subscriptions   integer NOT NULL CHECK (subscriptions >= 0),
  source          varchar(20) NOT NULL CHECK (source IN ('snapshot', 'backfill')),
  as_of           timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, month)
);
SELECT clientele_tenant_table('mrr_snapshots');

-- MRR/ARR at an instant, rebuilt from the subscription rows (no plan-change history exists before
-- the first snapshot): a subscription counts from when it started paying (its trial's end, else
-- the earlier of its creation and its first invoiced period) until it was canceled (an unpaid one
-- until it last changed), at its current price. Exact for subscriptions that kept their plan.
CREATE OR REPLACE FUNCTION billing_mrr_backfill(org uuid, at timestamptz)
RETURNS TABLE (mrr numeric, arr numeric, subscriptions integer) LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(s.mrr), 0), coalesce(sum(s.arr), 0), count(*)::integer
  FROM subscriptions s
  WHERE s.organization_id = org AND s.deleted_at IS NULL AND s.status <> 'trialing' AND s.mrr IS NOT NULL
    AND coalesce(s.trial_end, least(s.created_at, (SELECT min(i.period_start) FROM invoices i
          WHERE i.organization_id = s.organization_id AND i.subscription_id = s.id AND i.status <> 'void'))) <= at
    AND (s.canceled_at IS NULL OR s.canceled_at > at)
    AND (s.status <> 'unpaid' OR s.updated_at > at)
$$;

-- The snapshot job runs for every organization that has (or had) subscriptions; the tenant is not
-- known before (same pattern as billing_orgs_with_due_work).
CREATE OR REPLACE FUNCTION billing_orgs_with_subscriptions()
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT o.id FROM organizations o WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.organization_id = o.id)
$$;
REVOKE ALL ON FUNCTION billing_orgs_with_subscriptions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing_orgs_with_subscriptions() TO clientele_app;
