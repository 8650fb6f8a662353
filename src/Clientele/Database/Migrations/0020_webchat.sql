-- Webchat (issue 4): visitors' live event streams. Every message written to a webchat
-- conversation notifies the channel 'clientele_webchat' with "<phone_number_id>:<visitor id>";
-- PostgreSQL delivers it at commit (when the row becomes visible) to every app node that
-- listens, and the node holding that visitor's stream reads the new rows at once.
CREATE OR REPLACE FUNCTION clientele_notify_webchat_message() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_channel uuid;
  v_visitor text;
BEGIN
  SELECT c.phone_number_id, c.customer_phone INTO v_channel, v_visitor FROM conversations c
  WHERE c.organization_id = NEW.organization_id AND c.id = NEW.conversation_id AND c.channel = 'web_chat';
  IF v_channel IS NOT NULL AND v_visitor IS NOT NULL THEN
    PERFORM pg_notify('clientele_webchat', v_channel::text || ':' || v_visitor);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_notify_webchat AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION clientele_notify_webchat_message();

-- A visitor's conversations on a webchat channel, newest first (the active one, or after an
-- operator closed it, the last one), for history and streams.
CREATE INDEX idx_conversations_webchat_visitor ON conversations (organization_id, phone_number_id, customer_phone, started_at DESC)
  WHERE channel = 'web_chat';
