-- Workflow automation (seed 000 §6): workflows, their executions, scheduled tasks.

CREATE TABLE workflows (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            varchar(255) NOT NULL,
  trigger_type    varchar(50) NOT NULL CHECK (trigger_type IN ('time_based', 'event_based', 'condition_based', 'manual')),
  trigger_config  jsonb,
  -- An ordered list of actions (action_count counts them).
  actions         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(actions) = 'array'),
  is_active       boolean NOT NULL DEFAULT true,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_workflows_name ON workflows (organization_id, name);
CREATE INDEX idx_workflows_is_active ON workflows (organization_id, is_active);
SELECT clientele_tenant_table('workflows');

CREATE TABLE workflow_executions (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  workflow_id     uuid NOT NULL,
  status          varchar(20) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'canceled')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  error_message   text,
  execution_log   jsonb,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id),
  CONSTRAINT workflow_executions_completed_at_check CHECK (completed_at IS NULL OR completed_at >= started_at),
  FOREIGN KEY (organization_id, workflow_id) REFERENCES workflows (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_workflow_executions_workflow ON workflow_executions (organization_id, workflow_id, started_at);
CREATE INDEX idx_workflow_executions_status ON workflow_executions (organization_id, status);
SELECT clientele_tenant_table('workflow_executions');

CREATE TABLE scheduled_tasks (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  task_name       varchar(100) NOT NULL,
  task_type       varchar(50) NOT NULL,
  -- Cron expression (run by Quartz).
  schedule        varchar(100) NOT NULL,
  parameters      jsonb,
  is_active       boolean NOT NULL DEFAULT true,
  last_run_at     timestamptz,
  next_run_at     timestamptz,
  extra_metadata  jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_by      uuid,
  updated_by      uuid,
  deleted_at      timestamptz,
  deleted_by      uuid,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_scheduled_tasks_task_name ON scheduled_tasks (organization_id, task_name);
CREATE INDEX idx_scheduled_tasks_is_active ON scheduled_tasks (organization_id, is_active);
-- The scheduler scans due tasks across tenants.
CREATE INDEX idx_scheduled_tasks_next_run_at ON scheduled_tasks (next_run_at) WHERE is_active AND deleted_at IS NULL;
SELECT clientele_tenant_table('scheduled_tasks');
