-- Issue 11 item 4, "a feature adopted beyond the plan": the plan catalogue says which product
-- features (feature_usage.feature_name) a plan includes. Empty = not listed, and then nothing is
-- detected for that plan. A customer using a feature its plan does not include is a fourth cause
-- of a detected expansion opportunity (docs/success.md, Expansion).
ALTER TABLE plans ADD COLUMN included_features text[] NOT NULL DEFAULT '{}';
ALTER TABLE expansion_opportunities DROP CONSTRAINT expansion_opportunities_cause_check;
ALTER TABLE expansion_opportunities ADD CONSTRAINT expansion_opportunities_cause_check
  CHECK (cause IN ('seat_utilization', 'usage_growth', 'meeting_signal', 'feature_beyond_plan'));
