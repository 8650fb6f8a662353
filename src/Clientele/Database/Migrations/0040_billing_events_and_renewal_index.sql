-- Issue 10 (session 3): billing's domain events and the tenant-leading renewal index.
--
-- invoice.overdue and renewal.upcoming are published once each by the billing run; these columns
-- remember that they were (a second run, or a second node, publishes nothing again).
ALTER TABLE invoices ADD COLUMN overdue_at timestamptz;
COMMENT ON COLUMN invoices.overdue_at IS 'When the billing run first found the invoice past its due date (invoice.overdue was published then).';
ALTER TABLE subscriptions ADD COLUMN renewal_notice_for timestamptz;
COMMENT ON COLUMN subscriptions.renewal_notice_for IS 'The period end for which renewal.upcoming was published.';

-- Tenant-leading indexes are the rule: the renewal run asks per organization
-- (organization_id = $1 AND current_period_end <= $2), so the index leads with it.
DROP INDEX idx_subscriptions_renewal_due;
CREATE INDEX idx_subscriptions_renewal_due ON subscriptions (organization_id, current_period_end)
  WHERE status IN ('active', 'past_due', 'trialing') AND deleted_at IS NULL;

-- Finding the organizations with due work no longer scans subscriptions by date across tenants:
-- it probes each organization through the tenant-leading indexes (idx_subscriptions_renewal_due,
-- idx_invoices_open_due_at, idx_credits_status), which stays cheap while organizations number in
-- the thousands. p_notice_days adds organizations with a renewal.upcoming still to publish.
DROP FUNCTION billing_orgs_with_due_work(timestamptz);
CREATE FUNCTION billing_orgs_with_due_work(p_now timestamptz, p_notice_days integer DEFAULT 7)
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT o.id FROM organizations o
  WHERE EXISTS (SELECT 1 FROM subscriptions s
                WHERE s.organization_id = o.id AND s.status IN ('active', 'past_due', 'trialing') AND s.deleted_at IS NULL
                  AND s.current_period_end <= p_now + make_interval(days => greatest(p_notice_days, 0))
                  AND (s.current_period_end <= p_now OR s.renewal_notice_for IS DISTINCT FROM s.current_period_end))
     OR EXISTS (SELECT 1 FROM invoices i
                WHERE i.organization_id = o.id AND i.status = 'open' AND i.due_at < p_now AND i.deleted_at IS NULL)
     OR EXISTS (SELECT 1 FROM credits c
                WHERE c.organization_id = o.id AND c.status = 'active' AND c.expires_at <= p_now AND c.deleted_at IS NULL)
$$;
REVOKE ALL ON FUNCTION billing_orgs_with_due_work(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing_orgs_with_due_work(timestamptz, integer) TO clientele_app;
