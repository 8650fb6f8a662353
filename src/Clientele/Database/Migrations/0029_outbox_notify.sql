-- Outbox wake-up across nodes: a row that is due now notifies 'clientele_outbox' when its
-- transaction commits (PostgreSQL folds the identical notifications of one transaction into one),
-- and every node's OutboxListener wakes its workers at once instead of waiting for the next poll.
-- Delayed rows (available_at later) and retries are found by the workers' poll.
CREATE OR REPLACE FUNCTION clientele_notify_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('clientele_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH ROW WHEN (NEW.available_at <= now()) EXECUTE FUNCTION clientele_notify_outbox();
