-- Seed 003 agent workspace: a CSM's sessions with the multi-agent assistant, their
-- messages and activity, the human-in-the-loop approvals, free chat, and meeting
-- intelligence (transcripts, analyses) on top of the merged meetings table.
-- Seed 003's agent identifiers (agent_id, active_agent, agent_type, deployed_agent) name
-- the assistant's built-in agents ("onboarding", "renewal", ...), not rows of the agents
-- table (the tenant's channel bots), so they stay text.
-- Seed 003's text user ids (chat_messages.user_id, google_pending_approvals.user_id and
-- decided_by) are platform users: uuid, composite FK to users.

CREATE TABLE agent_sessions (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid,
  user_id         uuid,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'failed')),
  active_agent    text,
  deployed_agents text[] NOT NULL DEFAULT '{}',
  context         jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  UNIQUE (organization_id, id),
  CHECK (ended_at IS NULL OR ended_at >= created_at),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
);
CREATE INDEX idx_agent_sessions_customer_id ON agent_sessions (organization_id, customer_id);
CREATE INDEX idx_agent_sessions_status ON agent_sessions (organization_id, status);
CREATE INDEX idx_agent_sessions_user_id ON agent_sessions (organization_id, user_id);
SELECT clientele_tenant_table('agent_sessions');

-- Seed 003's meetings.session_id (FK to agent_sessions): the merged meetings table comes
-- earlier, so its FK is added here. A meeting outlives the session that scheduled it.
ALTER TABLE meetings
  ADD CONSTRAINT meetings_session_id_fkey FOREIGN KEY (organization_id, session_id)
  REFERENCES agent_sessions (organization_id, id) ON DELETE SET NULL (session_id);

CREATE TABLE agent_messages (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  session_id        uuid NOT NULL,
  agent_id          text,
  role              text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content           text NOT NULL,
  thinking          boolean NOT NULL DEFAULT false,
  requires_approval boolean NOT NULL DEFAULT false,
  deployed_agent    text,
  tool_calls        jsonb,
  metadata          jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, session_id) REFERENCES agent_sessions (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_agent_messages_session_id ON agent_messages (organization_id, session_id, created_at);
CREATE INDEX idx_agent_messages_created_at ON agent_messages (organization_id, created_at);
SELECT clientele_tenant_table('agent_messages');

-- session_id here is the caller's free-form session identifier (VARCHAR in the seed, not a
-- FK); parent_action_id nests actions within this table.
CREATE TABLE agent_activity_log (
  id               uuid PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id      uuid,
  user_id          uuid,
  agent_type       varchar(50) NOT NULL,
  action_type      varchar(100) NOT NULL,
  action_data      jsonb,
  result_data      jsonb,
  status           varchar(20) NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  error_message    text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  duration_ms      integer CHECK (duration_ms >= 0),
  session_id       varchar(100),
  parent_action_id uuid,
  UNIQUE (organization_id, id),
  CHECK (completed_at IS NULL OR completed_at >= started_at),
  CHECK (parent_action_id IS NULL OR parent_action_id <> id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id),
  FOREIGN KEY (organization_id, parent_action_id) REFERENCES agent_activity_log (organization_id, id)
    ON DELETE SET NULL (parent_action_id)
);
CREATE INDEX idx_agent_activity_log_customer_id ON agent_activity_log (organization_id, customer_id, started_at);
CREATE INDEX idx_agent_activity_log_agent_type ON agent_activity_log (organization_id, agent_type);
CREATE INDEX idx_agent_activity_log_session_id ON agent_activity_log (organization_id, session_id);
CREATE INDEX idx_agent_activity_log_parent ON agent_activity_log (organization_id, parent_action_id)
  WHERE parent_action_id IS NOT NULL;
SELECT clientele_tenant_table('agent_activity_log');

CREATE TABLE chat_messages (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id     uuid,
  user_id         uuid,
  role            text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content         text NOT NULL,
  agent_type      text,
  tool_calls      jsonb,
  -- Client-generated chat session id (text in the seed, not a FK).
  session_id      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (user_id)
);
CREATE INDEX idx_chat_messages_customer_id ON chat_messages (organization_id, customer_id);
CREATE INDEX idx_chat_messages_session_id ON chat_messages (organization_id, session_id, created_at);
CREATE INDEX idx_chat_messages_user_id ON chat_messages (organization_id, user_id);
SELECT clientele_tenant_table('chat_messages');

CREATE TABLE approvals (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  session_id      uuid,
  agent_id        text,
  action          text NOT NULL,
  details         text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  resolved_by     uuid,
  resolved_at     timestamptz,
  comment         text,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- A pending approval is unresolved; a decided one says when.
  CHECK ((status = 'pending') = (resolved_at IS NULL)),
  FOREIGN KEY (organization_id, session_id) REFERENCES agent_sessions (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, resolved_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (resolved_by)
);
CREATE INDEX idx_approvals_session_id ON approvals (organization_id, session_id);
CREATE INDEX idx_approvals_status ON approvals (organization_id, status);
SELECT clientele_tenant_table('approvals');

CREATE TABLE google_pending_approvals (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id         uuid,
  agent_type      text,
  action_type     text NOT NULL,
  action_data     jsonb NOT NULL DEFAULT '{}',
  preview_data    jsonb,
  customer_id     uuid,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executed', 'failed')),
  decided_by      uuid,
  decided_at      timestamptz,
  decision_note   text,
  expires_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, decided_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (decided_by)
);
CREATE INDEX idx_google_pending_approvals_user_id ON google_pending_approvals (organization_id, user_id);
CREATE INDEX idx_google_pending_approvals_status ON google_pending_approvals (organization_id, status);
CREATE INDEX idx_google_pending_approvals_expires ON google_pending_approvals (expires_at) WHERE status = 'pending';
SELECT clientele_tenant_table('google_pending_approvals');

CREATE TABLE transcripts (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  meeting_id      uuid NOT NULL,
  content         text NOT NULL,
  -- Seconds (meetings.duration_minutes is minutes).
  duration        integer CHECK (duration >= 0),
  speakers        jsonb,
  word_count      integer CHECK (word_count >= 0),
  language        text,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, meeting_id) REFERENCES meetings (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_transcripts_meeting_id ON transcripts (organization_id, meeting_id);
SELECT clientele_tenant_table('transcripts');

-- Seed 003 types meeting_id as TEXT ("meeting identifier") without a FK; meetings ids are
-- uuid here, so it is a uuid FK to meetings (nullable: an analysis of a pasted transcript
-- has no meeting row; SET NULL keeps the analysis when the meeting goes).
CREATE TABLE meeting_analyses (
  id                   uuid PRIMARY KEY,
  organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  meeting_id           uuid,
  customer_id          uuid,
  summary              text,
  overall_sentiment    text CHECK (overall_sentiment IN ('positive', 'neutral', 'negative', 'mixed')),
  sentiment_score      integer CHECK (sentiment_score BETWEEN -100 AND 100),
  action_items         jsonb,
  commitments          jsonb,
  follow_ups           jsonb,
  risk_signals         jsonb,
  risk_level           text CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  expansion_signals    jsonb,
  expansion_potential  text CHECK (expansion_potential IN ('none', 'low', 'medium', 'high')),
  stakeholder_insights jsonb,
  competitor_mentions  jsonb,
  confidence           integer CHECK (confidence BETWEEN 0 AND 100),
  analyzed_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, meeting_id) REFERENCES meetings (organization_id, id) ON DELETE SET NULL (meeting_id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_meeting_analyses_customer_id ON meeting_analyses (organization_id, customer_id);
CREATE INDEX idx_meeting_analyses_analyzed_at ON meeting_analyses (organization_id, analyzed_at);
CREATE INDEX idx_meeting_analyses_meeting_id ON meeting_analyses (organization_id, meeting_id) WHERE meeting_id IS NOT NULL;
SELECT clientele_tenant_table('meeting_analyses');
