-- Per-agent configuration of the AI agents (issue 5, docs/ai.md "Agents"). The agent on a
-- channel is the front of a small team: its specialty says who answers first, and with the
-- 'handoff' tool it routes each customer message to the specialist for its intent (sales,
-- billing, technical, success). Defaults keep every existing agent valid and working:
-- a router on the configured provider with the knowledge base, handoffs, verification of
-- risky answers and escalation to a human.
ALTER TABLE agents
  ADD COLUMN specialty varchar(20) NOT NULL DEFAULT 'router'
    CHECK (specialty IN ('router', 'sales', 'billing', 'technical', 'success', 'general')),
  -- NULL: the organization's Ai__Provider.
  ADD COLUMN provider varchar(20) CHECK (provider IN ('builtin', 'openai')),
  -- NULL: the provider's default model (Ai__Model).
  ADD COLUMN model varchar(100) CHECK (model IS NULL OR length(btrim(model)) > 0),
  -- NULL: the provider's default temperature.
  ADD COLUMN temperature numeric(3,2) CHECK (temperature BETWEEN 0 AND 2),
  -- What the agent may do. book_meeting is read by the meeting booking flow.
  ADD COLUMN tools text[] NOT NULL DEFAULT '{knowledge_search,handoff,verify,escalate}'
    CHECK (tools <@ ARRAY['knowledge_search', 'handoff', 'verify', 'escalate', 'book_meeting']::text[]),
  -- A question (not a greeting or small talk) understood with less intent confidence than this
  -- goes to a human (with the 'escalate' tool).
  ADD COLUMN escalation_confidence numeric(3,2) NOT NULL DEFAULT 0.30
    CHECK (escalation_confidence BETWEEN 0 AND 1);
