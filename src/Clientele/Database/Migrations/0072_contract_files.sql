-- Uploaded contract files (issue 11 item 7, docs/success.md): the file itself, stored in
-- PostgreSQL next to its contract and counted against the organization's max_storage.
CREATE TABLE contract_files (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  contract_id     uuid NOT NULL,
  file_name       text NOT NULL,
  content_type    varchar(100) NOT NULL,
  size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
  data            bytea NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, contract_id),
  FOREIGN KEY (organization_id, contract_id) REFERENCES contracts (organization_id, id) ON DELETE CASCADE
);
SELECT clientele_tenant_table('contract_files');
