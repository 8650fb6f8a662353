-- Conversations (seeds 000 §2 and 001): one conversations table and one messages table for
-- both the multi-agent support conversations of 000 (tied to a customer) and the
-- WhatsApp / Instagram / webchat conversations of 001 (tied to an agent and a phone).

CREATE TABLE conversations (
  id                          uuid PRIMARY KEY,
  organization_id             uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  customer_id                 uuid,
  agent_id                    uuid,
  customer_phone              varchar(50),
  openai_conversation_id      varchar(100),
  status                      varchar(50) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved', 'escalated')),
  -- 000's channels plus 001's messaging platforms (001's webchat is 'web_chat').
  channel                     varchar(50) CHECK (channel IN ('web_chat', 'email', 'phone', 'slack', 'api', 'widget', 'whatsapp', 'instagram')),
  primary_intent              varchar(100),
  intent_confidence           numeric(3,2) CHECK (intent_confidence BETWEEN 0 AND 1),
  emotion                     varchar(50),
  agents_involved             text[] NOT NULL DEFAULT '{}',
  resolved_by_agent           varchar(50),
  sentiment_avg               double precision CHECK (sentiment_avg BETWEEN -1 AND 1),
  kb_articles_used            text[] NOT NULL DEFAULT '{}',
  first_response_time_seconds integer CHECK (first_response_time_seconds >= 0),
  resolution_time_seconds     integer CHECK (resolution_time_seconds >= 0),
  csat_score                  integer CHECK (csat_score BETWEEN 1 AND 5),
  started_at                  timestamptz NOT NULL DEFAULT now(),
  ended_at                    timestamptz,
  last_activity_at            timestamptz,
  last_message_at             timestamptz DEFAULT now(),
  last_extraction_at          timestamptz,
  is_active                   boolean NOT NULL DEFAULT true,
  extra_metadata              jsonb,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  created_by                  uuid,
  updated_by                  uuid,
  deleted_at                  timestamptz,
  deleted_by                  uuid,
  UNIQUE (organization_id, id),
  -- A 000 conversation belongs to a customer, a 001 one to an agent and a phone (001: both NOT NULL).
  CONSTRAINT conversations_customer_or_agent_check CHECK (customer_id IS NOT NULL OR agent_id IS NOT NULL),
  CONSTRAINT conversations_customer_phone_check CHECK (agent_id IS NULL OR customer_phone IS NOT NULL),
  CONSTRAINT conversations_ended_at_check CHECK (ended_at IS NULL OR ended_at >= started_at),
  FOREIGN KEY (organization_id, customer_id) REFERENCES customers (organization_id, id) ON DELETE CASCADE,
  -- No action (001 names none): an agent with conversations is retired (is_active), not deleted.
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id)
);
-- Seed 001's UNIQUE (agent_id, customer_phone, is_active) would allow only one archived
-- conversation per phone; what it means is one ACTIVE conversation per agent and phone.
CREATE UNIQUE INDEX conversations_one_active_per_agent_phone ON conversations (organization_id, agent_id, customer_phone)
  WHERE is_active AND deleted_at IS NULL;
CREATE INDEX idx_conversations_customer ON conversations (organization_id, customer_id);
-- Seed 002's idx_conversations_org_status.
CREATE INDEX idx_conversations_org_status ON conversations (organization_id, status);
CREATE INDEX idx_conversations_started_at ON conversations (organization_id, started_at);
CREATE INDEX idx_conversations_channel ON conversations (organization_id, channel);
CREATE INDEX idx_conversations_emotion ON conversations (organization_id, emotion);
CREATE INDEX idx_conversations_last_activity_at ON conversations (organization_id, last_activity_at);
CREATE INDEX idx_conversations_agent ON conversations (organization_id, agent_id, last_message_at);
CREATE INDEX idx_conversations_agents_involved ON conversations USING gin (agents_involved);
CREATE INDEX idx_conversations_kb_articles_used ON conversations USING gin (kb_articles_used);
SELECT clientele_tenant_table('conversations');

-- messages: 000's role/content are 001's sender/text (001's sender 'agent' is role 'assistant').
-- "timestamp" is when the message was sent (001; the platform's time), created_at when stored.
CREATE TABLE messages (
  id                  uuid PRIMARY KEY,
  organization_id     uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id     uuid NOT NULL,
  sequence_no         integer NOT NULL CHECK (sequence_no >= 0),
  role                varchar(20) NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content             text NOT NULL,
  agent_name          varchar(50),
  intent              varchar(100),
  sentiment           double precision CHECK (sentiment BETWEEN -1 AND 1),
  confidence          double precision CHECK (confidence BETWEEN 0 AND 1),
  agent_confidence    numeric(3,2) CHECK (agent_confidence BETWEEN 0 AND 1),
  urgency             varchar(20) CHECK (urgency IN ('low', 'medium', 'high', 'critical')),
  model_used          varchar(100),
  tokens_used         integer CHECK (tokens_used >= 0),
  "timestamp"         timestamptz NOT NULL DEFAULT now(),
  status              varchar(20) CHECK (status IN ('sent', 'failed', 'pending')),
  platform_message_id varchar(100),
  extra_metadata      jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  created_by          uuid,
  updated_by          uuid,
  deleted_at          timestamptz,
  deleted_by          uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, conversation_id, sequence_no),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_messages_conversation_created ON messages (organization_id, conversation_id, created_at);
CREATE INDEX idx_messages_agent_name_created ON messages (organization_id, agent_name, created_at);
-- Seed 002's idx_messages_org_created.
CREATE INDEX idx_messages_org_created ON messages (organization_id, created_at DESC);
-- Webhooks are redelivered: the provider's message id detects duplicates.
CREATE UNIQUE INDEX messages_platform_message_id_key ON messages (organization_id, platform_message_id)
  WHERE platform_message_id IS NOT NULL;
SELECT clientele_tenant_table('messages');

-- A message posted without sequence_no gets the next one of its conversation. The
-- conversation row is locked so that concurrent inserts into one conversation queue up.
CREATE OR REPLACE FUNCTION clientele_next_message_sequence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sequence_no IS NULL THEN
    PERFORM 1 FROM conversations
      WHERE organization_id = NEW.organization_id AND id = NEW.conversation_id FOR UPDATE;
    SELECT coalesce(max(sequence_no) + 1, 1) INTO NEW.sequence_no FROM messages
      WHERE organization_id = NEW.organization_id AND conversation_id = NEW.conversation_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER messages_next_sequence BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION clientele_next_message_sequence();

-- Delivery lifecycle of an outbound message (seed 001), one row per message.
CREATE TABLE message_delivery_status (
  id                  uuid PRIMARY KEY,
  organization_id     uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  message_id          uuid NOT NULL,
  platform_message_id varchar(100),
  status              varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'delivered', 'read', 'failed')),
  error_message       text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, message_id),
  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE
);
-- Meta status callbacks name the platform's message id.
CREATE INDEX idx_message_delivery_status_platform_id ON message_delivery_status (organization_id, platform_message_id);
SELECT clientele_tenant_table('message_delivery_status');

CREATE TABLE agent_handoffs (
  id                uuid PRIMARY KEY,
  organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id   uuid NOT NULL,
  from_agent        varchar(50) NOT NULL,
  to_agent          varchar(50) NOT NULL,
  handoff_reason    text,
  state_transferred jsonb,
  confidence_before numeric(3,2) CHECK (confidence_before BETWEEN 0 AND 1),
  "timestamp"       timestamptz NOT NULL DEFAULT now(),
  latency_ms        integer CHECK (latency_ms >= 0),
  extra_metadata    jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  created_by        uuid,
  updated_by        uuid,
  deleted_at        timestamptz,
  deleted_by        uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT agent_handoffs_to_agent_check CHECK (from_agent <> to_agent),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_agent_handoffs_conversation_timestamp ON agent_handoffs (organization_id, conversation_id, "timestamp");
CREATE INDEX idx_agent_handoffs_from_to ON agent_handoffs (organization_id, from_agent, to_agent);
SELECT clientele_tenant_table('agent_handoffs');

CREATE TABLE agent_collaborations (
  id                 uuid PRIMARY KEY,
  organization_id    uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id    uuid NOT NULL,
  collaboration_type varchar(50) NOT NULL CHECK (collaboration_type IN ('sequential', 'parallel', 'debate', 'verification', 'expert_panel')),
  agents_involved    text[] NOT NULL DEFAULT '{}',
  coordinator_agent  varchar(50),
  start_time         timestamptz NOT NULL DEFAULT now(),
  end_time           timestamptz,
  duration_ms        integer CHECK (duration_ms >= 0),
  outcome            text,
  consensus_reached  boolean,
  extra_metadata     jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  created_by         uuid,
  updated_by         uuid,
  deleted_at         timestamptz,
  deleted_by         uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT agent_collaborations_end_time_check CHECK (end_time IS NULL OR end_time >= start_time),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_agent_collaborations_conversation ON agent_collaborations (organization_id, conversation_id);
CREATE INDEX idx_agent_collaborations_type ON agent_collaborations (organization_id, collaboration_type);
SELECT clientele_tenant_table('agent_collaborations');

CREATE TABLE conversation_tags (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  tag             varchar(50) NOT NULL,
  tag_category    varchar(50),
  confidence      numeric(3,2) CHECK (confidence BETWEEN 0 AND 1),
  tagged_by       varchar(50),
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_conversation_tags_conversation ON conversation_tags (organization_id, conversation_id);
CREATE INDEX idx_conversation_tags_tag ON conversation_tags (organization_id, tag);
-- A tag is on a conversation once.
CREATE UNIQUE INDEX conversation_tags_once ON conversation_tags (organization_id, conversation_id, tag)
  WHERE deleted_at IS NULL;
SELECT clientele_tenant_table('conversation_tags');

-- Seed 001: when a phone number is relinked to another agent, its conversations are
-- archived (is_active = false) and the relink is recorded here.
CREATE TABLE conversation_archives (
  id                           uuid PRIMARY KEY,
  organization_id              uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- No foreign key: the old agent may be gone.
  old_agent_id                 uuid NOT NULL,
  new_agent_id                 uuid NOT NULL,
  phone_number_id              uuid NOT NULL,
  archived_conversations_count integer NOT NULL DEFAULT 0 CHECK (archived_conversations_count >= 0),
  archived_at                  timestamptz NOT NULL DEFAULT now(),
  reason                       varchar(255) DEFAULT 'Agent relinked',
  UNIQUE (organization_id, id),
  CONSTRAINT conversation_archives_new_agent_id_check CHECK (old_agent_id <> new_agent_id),
  FOREIGN KEY (organization_id, new_agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, phone_number_id) REFERENCES phone_numbers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_conversation_archives_phone_number ON conversation_archives (organization_id, phone_number_id, archived_at);
CREATE INDEX idx_conversation_archives_new_agent ON conversation_archives (organization_id, new_agent_id);
SELECT clientele_tenant_table('conversation_archives');

-- extractions (seed 001): lead scoring of a conversation, with history; is_latest marks the
-- current one. Five 1-3 scores sum to total_score (5-15).
CREATE TABLE extractions (
  id                          uuid PRIMARY KEY,
  organization_id             uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  conversation_id             uuid NOT NULL,
  customer_phone              varchar(50) NOT NULL,
  extracted_at                timestamptz NOT NULL DEFAULT now(),
  is_latest                   boolean NOT NULL DEFAULT true,
  message_count_at_extraction integer NOT NULL DEFAULT 0 CHECK (message_count_at_extraction >= 0),
  name                        varchar(255),
  email                       varchar(255),
  company                     varchar(255),
  intent                      text,
  intent_level                varchar(20) CHECK (intent_level IN ('Low', 'Medium', 'High')),
  intent_score                integer CHECK (intent_score BETWEEN 1 AND 3),
  urgency_level               varchar(20) CHECK (urgency_level IN ('Low', 'Medium', 'High')),
  urgency_score               integer CHECK (urgency_score BETWEEN 1 AND 3),
  budget_constraint           varchar(20) CHECK (budget_constraint IN ('Yes', 'No', 'Maybe')),
  budget_score                integer CHECK (budget_score BETWEEN 1 AND 3),
  fit_alignment               varchar(20) CHECK (fit_alignment IN ('Low', 'Medium', 'High')),
  fit_score                   integer CHECK (fit_score BETWEEN 1 AND 3),
  engagement_health           varchar(20) CHECK (engagement_health IN ('Low', 'Medium', 'High')),
  engagement_score            integer CHECK (engagement_score BETWEEN 1 AND 3),
  cta_pricing_clicked         varchar(10) CHECK (cta_pricing_clicked IN ('Yes', 'No')),
  cta_demo_clicked            varchar(10) CHECK (cta_demo_clicked IN ('Yes', 'No')),
  cta_followup_clicked        varchar(10) CHECK (cta_followup_clicked IN ('Yes', 'No')),
  cta_sample_clicked          varchar(10) CHECK (cta_sample_clicked IN ('Yes', 'No')),
  cta_website_clicked         varchar(10) CHECK (cta_website_clicked IN ('Yes', 'No')),
  cta_escalated_to_human      varchar(10) CHECK (cta_escalated_to_human IN ('Yes', 'No')),
  total_score                 integer CHECK (total_score BETWEEN 5 AND 15),
  lead_status_tag             varchar(20) CHECK (lead_status_tag IN ('Hot', 'Warm', 'Cold')),
  demo_book_datetime          timestamptz,
  reasoning                   jsonb,
  smart_notification          text,
  notes                       text,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  -- Scores are derived from the conversation: they go with it.
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE
);
-- is_latest means at most one current extraction per conversation.
CREATE UNIQUE INDEX extractions_one_latest ON extractions (organization_id, conversation_id) WHERE is_latest;
CREATE INDEX idx_extractions_conversation ON extractions (organization_id, conversation_id, extracted_at);
CREATE INDEX idx_extractions_customer_phone ON extractions (organization_id, customer_phone);
CREATE INDEX idx_extractions_lead_status ON extractions (organization_id, lead_status_tag) WHERE is_latest;
SELECT clientele_tenant_table('extractions');
