-- Issue 9, the console's speed rule (bench `console`: 100k conversations, 50k customers in one organization).
-- Without these, home read the open conversations four times from the heap and every assistant message
-- of the organization for its chart, and the customer table sorted all customers for its first page.

-- Home's tiles: one index-only pass over the open conversations counts open, mine, unassigned and escalated.
CREATE INDEX idx_conversations_open_tiles ON conversations (organization_id) INCLUDE (assigned_to, status)
  WHERE deleted_at IS NULL AND is_active;

-- Home's "AI vs human replies per day" chart: the last 30 days of replies only.
CREATE INDEX idx_messages_replies_per_day ON messages (organization_id, "timestamp") INCLUDE (agent_name)
  WHERE role = 'assistant' AND deleted_at IS NULL;

-- Home's "conversations per day by channel" chart: the last 30 days, read from the index alone.
CREATE INDEX idx_conversations_started_channel ON conversations (organization_id, started_at) INCLUDE (channel)
  WHERE deleted_at IS NULL;

-- The customer table's default sort (name, then id): the first page and every keyset page read 51 index rows.
CREATE INDEX idx_customers_console_name ON customers (organization_id, lower(coalesce(name, email)), id)
  WHERE deleted_at IS NULL;

-- The customer table's filter choices (plans and segments in use: a skip scan over these; CSMs: one probe per
-- user) and its plan / segment / CSM filters.
CREATE INDEX idx_customers_console_plan ON customers (organization_id, plan) WHERE deleted_at IS NULL;
CREATE INDEX idx_customers_console_segment ON customers (organization_id, segment) WHERE deleted_at IS NULL;
CREATE INDEX idx_customers_console_csm ON customers (organization_id, csm_id) WHERE deleted_at IS NULL;
