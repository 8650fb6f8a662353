-- Issue 14 item 3: experiments on an AI agent. An experiment splits the agent's new conversations
-- between weighted variants (a prompt, model or temperature each); ab_tests keeps one row per
-- assigned conversation, and its outcome when the conversation ends.
CREATE TABLE agent_experiments (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  test_name       varchar(100) NOT NULL CHECK (test_name ~ '^[a-z0-9][a-z0-9_-]*$'),
  agent_id        uuid NOT NULL,
  variants        jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array' AND jsonb_array_length(variants) BETWEEN 2 AND 10),
  status          varchar(20) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  stopped_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, test_name),
  CHECK ((status = 'stopped') = (stopped_at IS NOT NULL)),
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
-- One running experiment per agent: a conversation is in at most one.
CREATE UNIQUE INDEX agent_experiments_one_running_per_agent ON agent_experiments (organization_id, agent_id) WHERE status = 'running';
SELECT clientele_tenant_table('agent_experiments');

-- An assignment is made once per conversation and experiment (a replayed event changes nothing).
CREATE UNIQUE INDEX ab_tests_one_per_conversation ON ab_tests (organization_id, test_name, conversation_id) WHERE conversation_id IS NOT NULL;
