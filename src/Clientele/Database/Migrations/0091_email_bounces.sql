-- Issue 13 item 3 (email channel): addresses that bounce. An inbound delivery status notification
-- (DSN, RFC 3464) for a channel records the failed recipient here, and the email sender refuses
-- to send to it again (a bounced address would only bounce again, and hurts the sender's reputation).
CREATE TABLE email_bounces (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  address         varchar(255) NOT NULL CHECK (address = lower(address)),
  reason          text,
  message_id      varchar(255),
  bounces         integer NOT NULL DEFAULT 1 CHECK (bounces > 0),
  first_bounced_at timestamptz NOT NULL DEFAULT now(),
  last_bounced_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, address)
);
SELECT clientele_tenant_table('email_bounces', 'SELECT, INSERT, UPDATE, DELETE');
