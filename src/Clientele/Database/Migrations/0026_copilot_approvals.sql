-- The CSM copilot's human-in-the-loop approvals (issue 5, docs/ai.md "CSM copilot and approvals").
-- Seed 003 lists approvals.status as pending, approved, rejected; an approved action is then run,
-- so the row also records how that ended (executed, or failed with the error in metadata), and a
-- proposal nobody decided in time becomes expired (it cannot be approved any more).
DO $$
DECLARE c text;
BEGIN
  SELECT conname INTO c FROM pg_constraint
  WHERE conrelid = 'approvals'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%''rejected''%';
  EXECUTE format('ALTER TABLE approvals DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE approvals ADD CONSTRAINT approvals_status_check
  CHECK (status IN ('pending', 'approved', 'rejected', 'executed', 'failed', 'expired'));

-- Seed 000 has no tasks table: a CSM task (created by the copilot, or by hand) is a customer_notes
-- row of type 'task', its due date, assignee and state in extra_metadata.
DO $$
DECLARE c text;
BEGIN
  SELECT conname INTO c FROM pg_constraint
  WHERE conrelid = 'customer_notes'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%''technical''%';
  EXECUTE format('ALTER TABLE customer_notes DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE customer_notes ADD CONSTRAINT customer_notes_note_type_check
  CHECK (note_type IN ('general', 'support', 'sales', 'success', 'technical', 'task'));
