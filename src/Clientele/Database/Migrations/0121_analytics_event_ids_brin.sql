-- Issue 14 (analytics-ingest): analytics_event_ids gets one row per accepted event, so each of its
-- indexes is paid per event. created_at is read only by the daily purge (rows older than 90 days)
-- and grows with insertion order: a BRIN index serves that range scan at almost no cost per insert.
DROP INDEX idx_analytics_event_ids_created;
CREATE INDEX idx_analytics_event_ids_created ON analytics_event_ids USING brin (created_at);
