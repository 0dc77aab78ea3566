-- What retention may delete: expired, ended, and not a tenant's latest success (the proof of its
-- current version). Oldest first, so the created_at index drives it. Not pinned to a search_path: a
-- SET clause stops PostgreSQL inlining it, and every purge batch would then compute all purgeable
-- rows before its LIMIT (1,000,000 rows: 17x slower). It is called, qualified, under the purge
-- function's pinned search_path.
CREATE OR REPLACE FUNCTION business_store_service.purgeable_schema_migrations(p_cutoff timestamp with time zone) RETURNS TABLE(migration_id uuid)
LANGUAGE sql STABLE AS $fn$
SELECT m.migration_id
FROM business_store_service.schema_migrations m
WHERE m.created_at < p_cutoff
  AND m.status <> 'pending'
  AND NOT (m.status = 'success' AND m.version_applied = (
    SELECT max(s.version_applied) FROM business_store_service.schema_migrations s
    WHERE s.tenant_id = m.tenant_id AND s.status = 'success'))
ORDER BY m.created_at
$fn$;
REVOKE ALL ON FUNCTION business_store_service.purgeable_schema_migrations(timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.purgeable_schema_migrations(timestamp with time zone) TO bss_audit_purge;
