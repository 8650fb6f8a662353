-- Expansion opportunities detected by the product (issue 11 item 4, docs/success.md): the cause
-- that created one (seat_utilization, usage_growth; NULL for opportunities people add), the
-- numbers behind it, and when it was detected. One open opportunity per customer and cause.
ALTER TABLE expansion_opportunities
  ADD COLUMN cause       varchar(50) CHECK (cause IN ('seat_utilization', 'usage_growth')),
  ADD COLUMN evidence    jsonb,
  ADD COLUMN detected_at timestamptz;
CREATE UNIQUE INDEX expansion_opportunities_one_open_per_cause ON expansion_opportunities (organization_id, customer_id, cause)
  WHERE cause IS NOT NULL AND stage NOT IN ('closed_won', 'closed_lost');
