-- Leads the AI agents qualify in conversations (issue 5, lead extraction): the conversation a
-- lead came from and its customer. One lead per conversation (the extraction upserts on it);
-- a soft-deleted lead keeps its conversation so that the next extraction does not bring it back.
ALTER TABLE leads
  ADD COLUMN conversation_id uuid,
  ADD COLUMN customer_id uuid,
  ADD FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE SET NULL (conversation_id),
  ADD FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE SET NULL (customer_id);
CREATE UNIQUE INDEX leads_one_per_conversation ON leads (organization_id, conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX idx_leads_customer ON leads (organization_id, customer_id);
