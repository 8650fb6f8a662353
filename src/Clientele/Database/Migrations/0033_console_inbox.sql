-- The console's inbox (issue 9).

-- Private notes on a conversation: for the team only, never sent on the channel and never part of
-- the AI's context (they are not messages).
CREATE TABLE conversation_notes (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  author_id       uuid,
  content         text NOT NULL CHECK (length(content) BETWEEN 1 AND 4096),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, author_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (author_id)
);
CREATE INDEX idx_conversation_notes_conversation ON conversation_notes (organization_id, conversation_id, created_at);
SELECT clientele_tenant_table('conversation_notes');

-- The inbox list: newest activity first, keyset-paged on (activity, id).
CREATE INDEX idx_conversations_inbox ON conversations (organization_id, (coalesce(last_message_at, started_at)) DESC, id DESC)
  WHERE deleted_at IS NULL;

-- Live inbox: every change a console shows (a message, its delivery status, a note, the
-- conversation's state) notifies 'clientele_console' at commit with "<organization id>:<conversation id>";
-- ConsoleLive on each node wakes the organization's open inbox streams.
CREATE OR REPLACE FUNCTION clientele_notify_console() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'conversations' THEN
    PERFORM pg_notify('clientele_console', NEW.organization_id::text || ':' || NEW.id::text);
  ELSIF TG_TABLE_NAME = 'message_delivery_status' THEN
    PERFORM pg_notify('clientele_console', NEW.organization_id::text || ':' || m.conversation_id::text)
    FROM messages m WHERE m.organization_id = NEW.organization_id AND m.id = NEW.message_id;
  ELSE
    PERFORM pg_notify('clientele_console', NEW.organization_id::text || ':' || NEW.conversation_id::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_notify_console AFTER INSERT OR UPDATE OF status ON messages
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_console();
CREATE TRIGGER message_delivery_status_notify_console AFTER INSERT OR UPDATE OF status ON message_delivery_status
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_console();
CREATE TRIGGER conversation_notes_notify_console AFTER INSERT ON conversation_notes
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_console();
CREATE TRIGGER conversations_notify_console AFTER INSERT OR UPDATE OF status, is_active, assigned_to ON conversations
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_console();
