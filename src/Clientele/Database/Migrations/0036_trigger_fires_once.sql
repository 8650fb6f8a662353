-- Trigger engine (issue 15): a trigger fires at most once per domain event, whatever retries or
-- nodes deliver it (the engine also checks before claiming; this makes it a rule).
CREATE UNIQUE INDEX trigger_events_once_per_event ON trigger_events (organization_id, trigger_id, (event_data->>'event_id'))
  WHERE event_data ? 'event_id';
