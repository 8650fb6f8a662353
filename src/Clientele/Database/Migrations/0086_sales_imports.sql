-- Issue 12, CSV import (docs/sales.md, "Import and export"): one row per import with its progress
-- and per-row errors; the natural keys an import upserts by are indexed.
CREATE TABLE imports (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  table_name      varchar(50) NOT NULL CHECK (table_name IN ('customers', 'leads', 'companies', 'prospects', 'solutions')),
  file_name       varchar(255),
  dry_run         boolean NOT NULL DEFAULT false,
  status          varchar(20) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  mapping         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(mapping) = 'object'),
  total_rows      integer NOT NULL DEFAULT 0 CHECK (total_rows >= 0),
  processed_rows  integer NOT NULL DEFAULT 0 CHECK (processed_rows >= 0),
  created_count   integer NOT NULL DEFAULT 0 CHECK (created_count >= 0),
  updated_count   integer NOT NULL DEFAULT 0 CHECK (updated_count >= 0),
  error_count     integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  -- The first 1,000 row errors: [{row, field, message}] (row 1 is the first line after the header).
  errors          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
  failure         text,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  UNIQUE (organization_id, id)
);
CREATE INDEX idx_imports_created ON imports (organization_id, created_at DESC);
SELECT clientele_tenant_table('imports', 'SELECT, INSERT, UPDATE');

-- Upsert lookups: email for people, name + website for companies, name for solutions.
CREATE INDEX idx_prospects_email_lower ON prospects (organization_id, lower(email));
CREATE INDEX idx_companies_name_website_lower ON companies (organization_id, lower(name), lower(coalesce(website, '')));
CREATE INDEX idx_solutions_name_lower ON solutions (organization_id, lower(name));
