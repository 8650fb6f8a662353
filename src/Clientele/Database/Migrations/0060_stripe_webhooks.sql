-- Issue 10 item 8: the platform billing the organization through Stripe.
-- Every webhook event is recorded once per Stripe event id (a replay changes nothing) and
-- processed through the outbox. Each mirrored row remembers the `created` time of the Stripe
-- event that last set it (stripe_event_at), so an event that arrives late (older) never moves it backwards.
CREATE TABLE stripe_events (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  stripe_event_id varchar(255) NOT NULL,
  type            varchar(100) NOT NULL,
  stripe_created  timestamptz NOT NULL,
  payload         jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  outcome         text,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, stripe_event_id)
);
SELECT clientele_tenant_table('stripe_events', 'SELECT, INSERT, UPDATE');

ALTER TABLE platform_subscriptions ADD COLUMN stripe_event_at timestamptz;
ALTER TABLE platform_invoices ADD COLUMN stripe_event_at timestamptz;
ALTER TABLE payment_methods ADD COLUMN stripe_event_at timestamptz;

-- A payment_method.detached event no longer names the customer: find the organization by the
-- payment method it had (same pattern as clientele_find_org_by_stripe_customer, migration 0010).
CREATE OR REPLACE FUNCTION clientele_find_org_by_stripe_payment_method(p_stripe_payment_method_id text)
RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT m.organization_id FROM payment_methods m
  WHERE m.stripe_payment_method_id = p_stripe_payment_method_id
  LIMIT 1
$$;
REVOKE ALL ON FUNCTION clientele_find_org_by_stripe_payment_method(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_find_org_by_stripe_payment_method(text) TO clientele_app;
