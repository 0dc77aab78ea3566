-- Releases the tenant's lock (session level) that claim_attempt took, once the attempt has ended or been set aside.
CREATE OR REPLACE FUNCTION business_store_service.release_tenant(p_tenant_id uuid) RETURNS boolean
LANGUAGE sql SET search_path = pg_catalog AS $fn$
SELECT pg_advisory_unlock(business_store_service.tenant_lock_key(p_tenant_id))
$fn$;
REVOKE ALL ON FUNCTION business_store_service.release_tenant(uuid) FROM PUBLIC;
