-- Issue 10 item 8: the organization's metered use reported to Stripe (Billing Meter events) once
-- per metric and period: one usage_records row per (organization, metric, period), marked
-- reported_at when Stripe accepted it; stripe_identifier is the meter event's identifier, which
-- Stripe keeps once, so a report repeated after a crash is harmless.
ALTER TABLE usage_records ADD COLUMN reported_at timestamptz;
ALTER TABLE usage_records ADD COLUMN stripe_identifier varchar(255);
CREATE UNIQUE INDEX usage_records_one_per_period ON usage_records (organization_id, metric_type, period_start);

-- The organizations with a live Stripe subscription (the reporting job runs before a tenant is known).
CREATE OR REPLACE FUNCTION clientele_orgs_with_stripe_subscription()
RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.organization_id FROM platform_subscriptions s
  WHERE s.stripe_customer_id IS NOT NULL AND s.status IN ('active', 'trialing', 'past_due')
$$;
REVOKE ALL ON FUNCTION clientele_orgs_with_stripe_subscription() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_orgs_with_stripe_subscription() TO clientele_app;
