-- Account plans (issue 11 item 10, docs/success.md "Account plans"): status, approved_by and
-- approved_at change only through the plan's actions (read-only in the resource API). A plan
-- that is submitted or approved keeps its content: the approval is of what the admin read. To
-- change it, it is returned or reopened as a draft (409 otherwise, naming status).
CREATE OR REPLACE FUNCTION account_plan_content_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('pending_approval', 'approved', 'active') AND NEW.status = OLD.status
     AND (NEW.strategic_objectives, NEW.success_metrics, NEW.stakeholder_map, NEW.relationship_goals, NEW.expansion_targets, NEW.risk_mitigation,
          NEW.qbr_schedule, NEW.resource_allocation, NEW.competitive_landscape, NEW.fiscal_year, NEW.customer_id)
         IS DISTINCT FROM
         (OLD.strategic_objectives, OLD.success_metrics, OLD.stakeholder_map, OLD.relationship_goals, OLD.expansion_targets, OLD.risk_mitigation,
          OLD.qbr_schedule, OLD.resource_allocation, OLD.competitive_landscape, OLD.fiscal_year, OLD.customer_id) THEN
    RAISE EXCEPTION 'The plan is %: reopen it (or have it returned) as a draft before changing it.', replace(OLD.status, '_', ' ')
      USING ERRCODE = 'CL409', COLUMN = 'status';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER account_plans_content_guard BEFORE UPDATE ON account_plans
  FOR EACH ROW EXECUTE FUNCTION account_plan_content_guard();
