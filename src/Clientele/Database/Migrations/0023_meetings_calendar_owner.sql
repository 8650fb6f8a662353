-- Google Calendar booking (issue 5, meeting booking; docs/integrations-google.md). A meeting booked
-- through Google records whose calendar it is in metadata.calendar_owner ('organization' or
-- 'user:<id>'). Before creating an event, booking looks for scheduled meetings on the same calendar
-- that overlap the slot; this index serves that check and the slot search.
CREATE INDEX idx_meetings_calendar_owner_scheduled ON meetings (organization_id, (metadata->>'calendar_owner'), scheduled_at)
  WHERE status = 'scheduled';
