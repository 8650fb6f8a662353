-- Issue 14 (analytics-rollup): every tenant table's row-level policy calls clientele_current_org(), and a
-- function not marked PARALLEL SAFE (the default is UNSAFE) keeps PostgreSQL from planning any parallel
-- worker for a statement that reads such a table: a month's rollup of ten million events ran on one core
-- while the other stayed idle. The function only reads a setting, and parallel workers start with the
-- leader's settings (the transaction-local clientele.organization_id included), so it is safe;
-- TenancyTests checks that a parallel plan over a tenant table still sees exactly the tenant's rows.
ALTER FUNCTION clientele_current_org() PARALLEL SAFE;
