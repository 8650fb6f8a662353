-- QBR preparation (issue 11 item 6, docs/success.md): the draft assembled from the account's rows
-- (health, usage, support, billing, risks, expansion) with the numbers the deck shows, and the
-- review that must happen before it is shared.
ALTER TABLE qbrs
  ADD COLUMN prepared_data jsonb CHECK (prepared_data IS NULL OR jsonb_typeof(prepared_data) = 'object'),
  ADD COLUMN prepared_at   timestamptz,
  ADD COLUMN reviewed_by   uuid,
  ADD COLUMN reviewed_at   timestamptz,
  ADD COLUMN shared_at     timestamptz,
  ADD CONSTRAINT qbrs_reviewed_by_fkey FOREIGN KEY (organization_id, reviewed_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (reviewed_by),
  ADD CONSTRAINT qbrs_shared_after_review_check CHECK (shared_at IS NULL OR reviewed_at IS NOT NULL);
-- One prepared QBR per customer and quarter (people may still add others by hand).
CREATE UNIQUE INDEX qbrs_one_prepared_per_quarter ON qbrs (organization_id, customer_id, quarter) WHERE prepared_at IS NOT NULL;
