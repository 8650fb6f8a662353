-- Google Calendar and meetings: seed 001 (meetings its agents book from a conversation,
-- with the tenant's Google token) merged with seed 003 (meetings a CSM holds with a
-- customer, with the CSM's own Google token).

-- google_tokens: 001's google_calendar_tokens (one per tenant) + 003's google_tokens (one per
-- user). user_id NULL is the organization's own token (001); otherwise the user's (003).
CREATE TABLE google_tokens (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid,
  -- Tokens are encrypted at rest by the app (Data Protection); never returned by the API.
  access_token    text NOT NULL,
  refresh_token   text NOT NULL,
  token_type      text DEFAULT 'Bearer',
  expires_at      timestamptz NOT NULL,
  scopes          text[] NOT NULL DEFAULT '{}',
  email           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- 001: one per tenant (user_id NULL); 003: one per user.
  UNIQUE NULLS NOT DISTINCT (organization_id, user_id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
-- The token refresh job looks for tokens about to expire.
CREATE INDEX idx_google_tokens_expires_at ON google_tokens (expires_at);
SELECT clientele_tenant_table('google_tokens');

-- meetings: union of 001 and 003. Same concept, one name each: scheduled_at (001 meeting_time),
-- duration_minutes (003 duration), meeting_url (001 meet_link), calendar_event_id
-- (001 google_event_id). participants (001) are the invitee emails sent to Google Calendar;
-- attendees (003) is the richer list (names, roles, attendance).
CREATE TABLE meetings (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id       uuid,
  conversation_id   uuid,
  -- Seed 003's FK to agent_sessions; that table comes in a later migration, which adds the FK.
  session_id        uuid,
  title             varchar(255) NOT NULL,
  description       text,
  customer_name     varchar(255),
  customer_email    varchar(255),
  participants      text[] NOT NULL DEFAULT '{}',
  attendees         jsonb,
  agenda            jsonb,
  scheduled_at      timestamptz NOT NULL,
  duration_minutes  integer NOT NULL DEFAULT 30 CHECK (duration_minutes > 0),
  timezone          varchar(100),
  meeting_url       text,
  calendar_event_id varchar(255),
  status            varchar(20) NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled', 'completed')),
  metadata          jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  -- A booked meeting outlives the chat that booked it.
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE SET NULL (conversation_id)
);
CREATE INDEX idx_meetings_customer ON meetings (organization_id, customer_id);
CREATE INDEX idx_meetings_scheduled_at ON meetings (organization_id, scheduled_at);
CREATE INDEX idx_meetings_conversation ON meetings (organization_id, conversation_id);
CREATE INDEX idx_meetings_session ON meetings (organization_id, session_id);
CREATE INDEX idx_meetings_calendar_event ON meetings (organization_id, calendar_event_id);
SELECT clientele_tenant_table('meetings');
