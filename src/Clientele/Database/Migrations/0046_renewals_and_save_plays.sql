-- Renewals and save plays (issue 11 items 3 and 5, docs/success.md).

-- One pipeline entry per customer and renewal date (the planner creates it 120 days before).
CREATE UNIQUE INDEX renewal_pipeline_one_per_date ON renewal_pipeline (organization_id, customer_id, renewal_date);

-- The checklist moves the stage forward (never back; negotiation, renewed and churned are set by
-- people), on every write path. probability is derived from the customer's health and the
-- checklist when it is left empty, when the checklist changes without a probability being given,
-- and by every health computation (which writes it empty); renewed is 100, churned 0.
CREATE OR REPLACE FUNCTION success_renewal_derive() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  checked int := NEW.champion_engaged::int + NEW.exec_sponsor_engaged::int + NEW.qbr_completed::int + NEW.value_summary_sent::int
                 + NEW.proposal_sent::int + NEW.verbal_commit::int + NEW.contract_signed::int;
  implied text;
  health int;
  rank_of constant text[] := ARRAY['identified', 'engaged', 'proposal', 'negotiation', 'committed', 'renewed'];
BEGIN
  implied := CASE
    WHEN NEW.contract_signed THEN 'renewed'
    WHEN NEW.verbal_commit THEN 'committed'
    WHEN NEW.proposal_sent THEN 'proposal'
    WHEN checked > 0 THEN 'engaged'
    ELSE 'identified' END;
  IF NEW.stage <> 'churned' AND array_position(rank_of, implied) > array_position(rank_of, NEW.stage) THEN
    NEW.stage := implied;
  END IF;
  SELECT c.health_score INTO health FROM customers c WHERE c.organization_id = NEW.organization_id AND c.id = NEW.customer_id;
  IF NEW.stage = 'renewed' THEN
    NEW.probability := 100;
  ELSIF NEW.stage = 'churned' THEN
    NEW.probability := 0;
  ELSIF NEW.probability IS NULL OR (TG_OP = 'UPDATE' AND NEW.probability IS NOT DISTINCT FROM OLD.probability
        AND (NEW.champion_engaged, NEW.exec_sponsor_engaged, NEW.qbr_completed, NEW.value_summary_sent, NEW.proposal_sent, NEW.verbal_commit, NEW.contract_signed)
            IS DISTINCT FROM (OLD.champion_engaged, OLD.exec_sponsor_engaged, OLD.qbr_completed, OLD.value_summary_sent, OLD.proposal_sent, OLD.verbal_commit, OLD.contract_signed)) THEN
    NEW.probability := least(95, greatest(5, round(0.5 * coalesce(health, 50) + 50.0 * checked / 7)::int));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER renewal_pipeline_derive BEFORE INSERT OR UPDATE ON renewal_pipeline
  FOR EACH ROW EXECUTE FUNCTION success_renewal_derive();

-- A completed QBR ticks the checklist of the customer's open renewals.
CREATE OR REPLACE FUNCTION success_qbr_ticks_renewal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'completed' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'completed') THEN
    UPDATE renewal_pipeline SET qbr_completed = true
    WHERE organization_id = NEW.organization_id AND customer_id = NEW.customer_id AND NOT qbr_completed
      AND stage NOT IN ('renewed', 'churned');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER qbrs_tick_renewal AFTER INSERT OR UPDATE OF status ON qbrs
  FOR EACH ROW EXECUTE FUNCTION success_qbr_ticks_renewal();

-- One save play in flight per customer (open or in progress).
CREATE UNIQUE INDEX save_plays_one_in_flight ON save_plays (organization_id, customer_id)
  WHERE status IN ('open', 'in_progress');
