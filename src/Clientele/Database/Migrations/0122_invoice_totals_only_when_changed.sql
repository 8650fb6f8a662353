-- Issue 10 (renewal-run): a draft invoice's totals are still the sums of its lines, refreshed once per
-- statement on invoice_lines, but an invoice whose totals already agree is left alone. The billing run
-- inserts its drafts with the totals of the lines it is about to write, so the refresh finds nothing
-- to change instead of writing a second version of every invoice (with all its index entries).
CREATE OR REPLACE FUNCTION billing_refresh_invoice_totals(orgs uuid[], invs uuid[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE invoices i SET subtotal = t.subtotal, credits_applied = t.credits, amount = greatest(0, t.subtotal - t.credits)
  FROM (SELECT DISTINCT org, inv FROM unnest(orgs, invs) AS k(org, inv)) k
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(l.amount) FILTER (WHERE l.kind <> 'credit'), 0) AS subtotal,
           coalesce(-sum(l.amount) FILTER (WHERE l.kind = 'credit'), 0) AS credits
    FROM invoice_lines l WHERE l.organization_id = k.org AND l.invoice_id = k.inv) t
  WHERE i.organization_id = k.org AND i.id = k.inv AND i.status = 'draft'
    AND (i.subtotal, i.credits_applied, i.amount) IS DISTINCT FROM (t.subtotal, t.credits, greatest(0, t.subtotal - t.credits))
$$;
