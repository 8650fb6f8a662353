-- Issue 8: a webhook item that cannot be read (not an object, text PostgreSQL cannot store, a
-- timestamp out of range, an id too long) is kept as evidence with status 'rejected' and the
-- reason, instead of failing the whole delivery; only 'received' events are processed.
ALTER TABLE inbound_events
  ADD COLUMN status varchar(20) NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'rejected')),
  ADD COLUMN rejected_reason text,
  ADD CONSTRAINT inbound_events_rejected_reason_check CHECK ((status = 'rejected') = (rejected_reason IS NOT NULL));
CREATE INDEX idx_inbound_events_rejected ON inbound_events (organization_id, received_at) WHERE status = 'rejected';
