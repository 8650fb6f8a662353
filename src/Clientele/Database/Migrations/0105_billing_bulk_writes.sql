-- Bulk subscription and invoice-line writes in one statement stay linear (issue 10, renewal-run).
--
-- 1. customers.mrr/arr refresh. The correlated sums of 0032 probed subscriptions once per touched
--    customer, but the planner could pick idx_subscriptions_renewal_due (organization only, the
--    customer as a filter): on an INSERT ... SELECT of 10,000 subscriptions into one organization
--    EXPLAIN ANALYZE showed 10,000 probes reading all 10,000 rows each (155 s; 100,000 rows would
--    take hours). A partial index that matches the "live" predicate and both keys (with the summed
--    columns included) is the one the sums can use, and one lateral sum serves mrr and arr.
CREATE INDEX IF NOT EXISTS idx_subscriptions_customer_live ON subscriptions (organization_id, customer_id) INCLUDE (mrr, arr)
  WHERE status IN ('active', 'past_due') AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_payments_customer_settled ON payments (organization_id, customer_id) INCLUDE (amount, refunded_amount)
  WHERE status IN ('succeeded', 'refunded') AND deleted_at IS NULL;

CREATE OR REPLACE FUNCTION billing_refresh_customers_probe(orgs uuid[], custs uuid[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE customers c SET mrr = s.mrr, arr = s.arr, ltv = p.ltv
  FROM (SELECT DISTINCT org, cust FROM unnest(orgs, custs) AS k(org, cust) WHERE cust IS NOT NULL) k
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.mrr), 0) AS mrr, coalesce(sum(x.arr), 0) AS arr FROM subscriptions x
    WHERE x.organization_id = k.org AND x.customer_id = k.cust AND x.status IN ('active', 'past_due') AND x.deleted_at IS NULL) s
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(y.amount - y.refunded_amount), 0) AS ltv FROM payments y
    WHERE y.organization_id = k.org AND y.customer_id = k.cust AND y.status IN ('succeeded', 'refunded') AND y.deleted_at IS NULL) p
  WHERE c.organization_id = k.org AND c.id = k.cust
    AND (c.mrr, c.arr, c.ltv) IS DISTINCT FROM (s.mrr, s.arr, p.ltv)
$$;

-- A statement that touched many customers (an import, a bulk update) sums them in one pass with
-- hash joins, whatever the statistics say: a probe per customer can still be planned through an
-- organization-only index when the table's statistics predate the statement (the 100,000-row
-- INSERT ... SELECT of the renewal bench did exactly that: 10^5 probes x 10^5 rows).
CREATE OR REPLACE FUNCTION billing_refresh_customers_bulk(orgs uuid[], custs uuid[]) RETURNS void
LANGUAGE sql SET enable_nestloop = off AS $$
  WITH k AS MATERIALIZED (SELECT DISTINCT org, cust FROM unnest(orgs, custs) AS k(org, cust) WHERE cust IS NOT NULL),
  s AS MATERIALIZED (
    SELECT x.organization_id AS org, x.customer_id AS cust, sum(x.mrr) AS mrr, sum(x.arr) AS arr
    FROM subscriptions x JOIN k ON x.organization_id = k.org AND x.customer_id = k.cust
    WHERE x.status IN ('active', 'past_due') AND x.deleted_at IS NULL GROUP BY 1, 2),
  p AS MATERIALIZED (
    SELECT y.organization_id AS org, y.customer_id AS cust, sum(y.amount - y.refunded_amount) AS ltv
    FROM payments y JOIN k ON y.organization_id = k.org AND y.customer_id = k.cust
    WHERE y.status IN ('succeeded', 'refunded') AND y.deleted_at IS NULL GROUP BY 1, 2),
  t AS MATERIALIZED (
    SELECT k.org, k.cust, coalesce(s.mrr, 0) AS mrr, coalesce(s.arr, 0) AS arr, coalesce(p.ltv, 0) AS ltv
    FROM k LEFT JOIN s ON s.org = k.org AND s.cust = k.cust LEFT JOIN p ON p.org = k.org AND p.cust = k.cust)
  UPDATE customers c SET mrr = t.mrr, arr = t.arr, ltv = t.ltv
  FROM t
  WHERE c.organization_id = t.org AND c.id = t.cust
    AND (c.mrr, c.arr, c.ltv) IS DISTINCT FROM (t.mrr, t.arr, t.ltv)
$$;

CREATE OR REPLACE FUNCTION billing_refresh_customers(orgs uuid[], custs uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(custs) > 1000 THEN PERFORM billing_refresh_customers_bulk(orgs, custs);
  ELSE PERFORM billing_refresh_customers_probe(orgs, custs);
  END IF;
END $$;

-- 2. Draft invoice totals once per statement (transition tables) instead of one UPDATE of the
--    invoice per line: a renewal batch writes its lines in one statement.
CREATE OR REPLACE FUNCTION billing_refresh_invoice_totals(orgs uuid[], invs uuid[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE invoices i SET subtotal = t.subtotal, credits_applied = t.credits, amount = greatest(0, t.subtotal - t.credits)
  FROM (SELECT DISTINCT org, inv FROM unnest(orgs, invs) AS k(org, inv)) k
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(l.amount) FILTER (WHERE l.kind <> 'credit'), 0) AS subtotal,
           coalesce(-sum(l.amount) FILTER (WHERE l.kind = 'credit'), 0) AS credits
    FROM invoice_lines l WHERE l.organization_id = k.org AND l.invoice_id = k.inv) t
  WHERE i.organization_id = k.org AND i.id = k.inv AND i.status = 'draft'
$$;
CREATE OR REPLACE FUNCTION billing_invoice_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE orgs uuid[];
        invs uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(organization_id), array_agg(invoice_id) INTO orgs, invs FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(organization_id), array_agg(invoice_id) INTO orgs, invs FROM old_rows;
  ELSE
    SELECT array_agg(o), array_agg(i) INTO orgs, invs FROM (
      SELECT organization_id AS o, invoice_id AS i FROM old_rows UNION SELECT organization_id, invoice_id FROM new_rows) u;
  END IF;
  IF orgs IS NOT NULL THEN PERFORM billing_refresh_invoice_totals(orgs, invs); END IF;
  RETURN NULL;
END $$;
DROP TRIGGER invoice_lines_totals ON invoice_lines;
CREATE TRIGGER invoice_lines_totals_ins AFTER INSERT ON invoice_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_invoice_totals();
CREATE TRIGGER invoice_lines_totals_upd AFTER UPDATE ON invoice_lines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_invoice_totals();
CREATE TRIGGER invoice_lines_totals_del AFTER DELETE ON invoice_lines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_invoice_totals();
