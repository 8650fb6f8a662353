-- The email channel (issue 4, item 6). An email channel is a phone_numbers row with platform
-- 'email' whose meta_phone_number_id is the inbound address: kept lower-case (addresses are
-- matched case-insensitively, and the inbound webhook looks the channel up by its lower-cased
-- "to"), and shaped like an address, as is settings.from_address when set.
CREATE OR REPLACE FUNCTION clientele_normalize_email_channel() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.platform = 'email' THEN
    NEW.meta_phone_number_id := lower(btrim(NEW.meta_phone_number_id));
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER phone_numbers_normalize_email BEFORE INSERT OR UPDATE OF platform, meta_phone_number_id ON phone_numbers
  FOR EACH ROW EXECUTE FUNCTION clientele_normalize_email_channel();
UPDATE phone_numbers SET meta_phone_number_id = lower(btrim(meta_phone_number_id))
WHERE platform = 'email' AND meta_phone_number_id <> lower(btrim(meta_phone_number_id));

ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_email_address_check
  CHECK (platform <> 'email' OR meta_phone_number_id ~ '^[^@[:space:]<>"]+@[^@[:space:]<>"]+\.[^@[:space:]<>".]+$');
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_email_from_address_check
  CHECK (platform <> 'email' OR settings->>'from_address' IS NULL
         OR settings->>'from_address' ~ '^[^@[:space:]<>"]+@[^@[:space:]<>"]+\.[^@[:space:]<>".]+$');

-- Email Message-IDs ("<local@domain>") are the provider ids of email messages; they are often
-- longer than Meta's ids (up to 255 characters, like inbound_events.external_id).
ALTER TABLE messages ALTER COLUMN platform_message_id TYPE varchar(255);
ALTER TABLE message_delivery_status ALTER COLUMN platform_message_id TYPE varchar(255);
