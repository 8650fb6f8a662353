-- Issue 12 items 6-7: the prospecting assistant. A prospect's job title (events target roles),
-- and an outreach draft's review trail: its subject, the facts it cites (each with the row it came
-- from), the research it was written from, the approvals row that reviews it, and what sending made.
ALTER TABLE prospects ADD COLUMN job_title varchar(255);

ALTER TABLE outreach_drafts
  ADD COLUMN subject        varchar(255),
  ADD COLUMN citations      jsonb,
  ADD COLUMN research_id    uuid,
  ADD COLUMN approval_id    uuid,
  ADD COLUMN sent_at        timestamptz,
  ADD COLUMN interaction_id uuid,
  ADD FOREIGN KEY (organization_id, research_id) REFERENCES prospect_research (organization_id, id) ON DELETE SET NULL (research_id),
  ADD FOREIGN KEY (organization_id, interaction_id) REFERENCES interactions (organization_id, id) ON DELETE SET NULL (interaction_id);
CREATE INDEX idx_outreach_drafts_approval_id ON outreach_drafts (organization_id, approval_id) WHERE approval_id IS NOT NULL;

-- What was approved is what goes out: the words of a draft change only while it waits for review.
CREATE FUNCTION prospecting_draft_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.content IS DISTINCT FROM OLD.content OR NEW.subject IS DISTINCT FROM OLD.subject) THEN
    RAISE EXCEPTION 'the draft is %: only a draft waiting for review can be edited', OLD.status USING ERRCODE = 'CL409', COLUMN = 'status';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER outreach_drafts_guard BEFORE UPDATE ON outreach_drafts
  FOR EACH ROW EXECUTE FUNCTION prospecting_draft_guard();

-- The one approval queue decides drafts: whoever decides the approvals row (the draft's approve
-- action, /app/approvals, the approvals API), the draft follows in the same transaction.
CREATE FUNCTION prospecting_draft_follows_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NEW.metadata ? 'outreach_draft_id' THEN
    UPDATE outreach_drafts SET status = CASE WHEN NEW.status IN ('approved', 'executed') THEN 'approved' ELSE 'rejected' END, updated_at = now()
     WHERE organization_id = NEW.organization_id AND approval_id = NEW.id AND status = 'draft'
       AND NEW.status IN ('approved', 'executed', 'rejected', 'expired');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER approvals_outreach_draft AFTER UPDATE OF status ON approvals
  FOR EACH ROW EXECUTE FUNCTION prospecting_draft_follows_approval();
