-- Transcripts (issue 11 item 8): a meeting analysis with expansion signals (more seats, another
-- team, an upgrade said out loud) is a third cause of a detected expansion opportunity.
ALTER TABLE expansion_opportunities DROP CONSTRAINT expansion_opportunities_cause_check;
ALTER TABLE expansion_opportunities ADD CONSTRAINT expansion_opportunities_cause_check
  CHECK (cause IN ('seat_utilization', 'usage_growth', 'meeting_signal'));
