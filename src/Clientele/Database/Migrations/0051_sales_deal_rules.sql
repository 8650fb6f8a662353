-- Issue 12, deals: the stage rules hold for every write (the stage action, a PATCH, an import).
--   * probability follows the stage's default (prospecting 10, qualification 25, proposal 50,
--     negotiation 75) whenever the stage changes and the same write does not set it; a new deal
--     written with probability 0 in an open stage gets its stage's default (0 is the column's
--     default, "not said"); closed_won is always 100 and closed_lost always 0;
--   * closing sets closed_at (now, unless given); reopening clears it;
--   * closed_lost needs a lost_reason.
-- docs/sales.md, "Stages". The defaults are also in DealStages.cs (the console shows them).
CREATE OR REPLACE FUNCTION sales_stage_probability(stage text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE stage WHEN 'prospecting' THEN 10 WHEN 'qualification' THEN 25 WHEN 'proposal' THEN 50
                    WHEN 'negotiation' THEN 75 WHEN 'closed_won' THEN 100 ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION sales_deal_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  closing boolean := NEW.stage IN ('closed_won', 'closed_lost');
  moved boolean := TG_OP = 'INSERT' OR NEW.stage IS DISTINCT FROM OLD.stage;
BEGIN
  IF NEW.stage = 'closed_lost' AND coalesce(btrim(NEW.lost_reason), '') = '' THEN
    RAISE EXCEPTION 'A lost deal needs a lost_reason (why it was lost).' USING ERRCODE = 'P0001', COLUMN = 'lost_reason';
  END IF;
  IF NEW.stage = 'closed_won' THEN NEW.probability := 100;
  ELSIF NEW.stage = 'closed_lost' THEN NEW.probability := 0;
  ELSIF TG_OP = 'INSERT' AND NEW.probability = 0 THEN NEW.probability := sales_stage_probability(NEW.stage);
  ELSIF TG_OP = 'UPDATE' AND moved AND NEW.probability = OLD.probability THEN NEW.probability := sales_stage_probability(NEW.stage);
  END IF;
  IF closing AND moved THEN NEW.closed_at := coalesce(NEW.closed_at, now());
  ELSIF closing AND NEW.closed_at IS NULL THEN NEW.closed_at := coalesce(OLD.closed_at, now());
  ELSIF NOT closing THEN NEW.closed_at := NULL; NEW.lost_reason := CASE WHEN moved THEN NULL ELSE NEW.lost_reason END;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER deals_stage_rules BEFORE INSERT OR UPDATE ON deals
  FOR EACH ROW EXECUTE FUNCTION sales_deal_guard();

-- The pipeline report groups live deals by stage and by month of expected_close_date.
CREATE INDEX idx_deals_pipeline ON deals (organization_id, stage, expected_close_date) WHERE deleted_at IS NULL;
