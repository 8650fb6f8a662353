-- Issue 16: one row per webhook. An acknowledged item used to write an inbound_events row and an
-- outbox row pointing at it. The inbound event is now its own queue entry: it carries the outbox's
-- lease, attempt and dead-letter columns, and the workers claim it with FOR UPDATE SKIP LOCKED like
-- an outbox row (clientele_claim_work claims both). The guarantee is the same: the row is durable
-- when the webhook is acknowledged, a claim is a lease that a crashed node loses, and the row is
-- marked processed in the transaction that did its work.
ALTER TABLE inbound_events
  ADD COLUMN attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  ADD COLUMN available_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN last_error   text,
  ADD COLUMN dead_at      timestamptz;

-- What the claim reads; small because processed rows leave it.
CREATE INDEX idx_inbound_events_ready ON inbound_events (available_at, id)
  WHERE processed_at IS NULL AND dead_at IS NULL AND status = 'received';
CREATE INDEX idx_inbound_events_dead ON inbound_events (organization_id, dead_at) WHERE dead_at IS NOT NULL;

-- Work queued the old way: an outbox row that died takes its event with it; pending outbox rows are
-- retired and their (unprocessed) events are picked up by the new claim instead, so nothing runs twice.
UPDATE inbound_events e SET dead_at = o.dead_at, last_error = o.last_error, attempts = o.attempts
FROM outbox o
WHERE o.topic IN ('inbound.message', 'inbound.status') AND o.dead_at IS NOT NULL
  AND o.organization_id = e.organization_id AND (o.payload ->> 'inbound_event_id')::uuid = e.id AND e.processed_at IS NULL;
UPDATE outbox SET processed_at = now(), locked_until = NULL, last_error = 'moved to the inbound_events queue (migration 0100)'
WHERE topic IN ('inbound.message', 'inbound.status') AND processed_at IS NULL AND dead_at IS NULL;

-- Wake every node's workers when events commit: once per statement (an ingest is one statement per
-- organization), not once per row as the outbox's row trigger does.
CREATE TRIGGER inbound_events_notify AFTER INSERT ON inbound_events
  FOR EACH STATEMENT EXECUTE FUNCTION clientele_notify_outbox();

-- One claim for both queues, one round trip: inbound events take up to half of the free slots
-- first (the start of every conversation's work), the outbox the rest (downstream work such as
-- replies and sends, so a burst of inbound cannot starve them), then inbound whatever is left.
CREATE OR REPLACE FUNCTION clientele_claim_work(p_limit integer, p_lease interval, p_topics text[])
RETURNS TABLE (source text, id uuid, organization_id uuid, topic varchar, payload jsonb, attempts integer, max_attempts integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_inbound boolean := p_topics IS NULL OR p_topics && ARRAY['inbound.message', 'inbound.status']::text[];
  v_taken integer := 0;
  v_rows integer;
BEGIN
  IF v_inbound THEN
    RETURN QUERY
    UPDATE inbound_events e SET locked_until = now() + p_lease, attempts = e.attempts + 1
    WHERE e.id IN (
      SELECT x.id FROM inbound_events x
      WHERE x.processed_at IS NULL AND x.dead_at IS NULL AND x.status = 'received' AND x.available_at <= now()
        AND (x.locked_until IS NULL OR x.locked_until < now())
        AND (p_topics IS NULL OR ('inbound.' || x.kind) = ANY (p_topics))
      ORDER BY x.available_at, x.id
      LIMIT (p_limit + 1) / 2
      FOR UPDATE SKIP LOCKED)
    RETURNING 'inbound_events'::text, e.id, e.organization_id, ('inbound.' || e.kind)::varchar, jsonb_build_object('inbound_event_id', e.id), e.attempts, e.max_attempts;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_taken := v_rows;
  END IF;
  IF v_taken < p_limit THEN
    RETURN QUERY
    UPDATE outbox o SET locked_until = now() + p_lease, attempts = o.attempts + 1
    WHERE o.id IN (
      SELECT x.id FROM outbox x
      WHERE x.processed_at IS NULL AND x.dead_at IS NULL AND x.available_at <= now()
        AND (x.locked_until IS NULL OR x.locked_until < now())
        AND (p_topics IS NULL OR x.topic = ANY (p_topics))
      ORDER BY x.available_at, x.id
      LIMIT p_limit - v_taken
      FOR UPDATE SKIP LOCKED)
    RETURNING 'outbox'::text, o.id, o.organization_id, o.topic, o.payload, o.attempts, o.max_attempts;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_taken := v_taken + v_rows;
  END IF;
  IF v_inbound AND v_taken < p_limit THEN
    RETURN QUERY
    UPDATE inbound_events e SET locked_until = now() + p_lease, attempts = e.attempts + 1
    WHERE e.id IN (
      SELECT x.id FROM inbound_events x
      WHERE x.processed_at IS NULL AND x.dead_at IS NULL AND x.status = 'received' AND x.available_at <= now()
        AND (x.locked_until IS NULL OR x.locked_until < now())
        AND (p_topics IS NULL OR ('inbound.' || x.kind) = ANY (p_topics))
      ORDER BY x.available_at, x.id
      LIMIT p_limit - v_taken
      FOR UPDATE SKIP LOCKED)
    RETURNING 'inbound_events'::text, e.id, e.organization_id, ('inbound.' || e.kind)::varchar, jsonb_build_object('inbound_event_id', e.id), e.attempts, e.max_attempts;
  END IF;
END $$;
REVOKE ALL ON FUNCTION clientele_claim_work(integer, interval, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele_claim_work(integer, interval, text[]) TO clientele_app;
