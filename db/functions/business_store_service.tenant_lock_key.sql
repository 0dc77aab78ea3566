-- The advisory lock key of a tenant, shared by every statement that takes or probes it.
CREATE OR REPLACE FUNCTION business_store_service.tenant_lock_key(p_tenant_id uuid) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $fn$
SELECT hashtextextended('bss:tenant:' || p_tenant_id::text, 0)
$fn$;
REVOKE ALL ON FUNCTION business_store_service.tenant_lock_key(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.tenant_lock_key(uuid) TO bss_gate;
