-- Ends an attempt (only a pending one: `ended` is 0 otherwise) and lists the tenant's other pending
-- attempts, to wake them. Every end of an attempt, success or failed, goes through here.
CREATE OR REPLACE FUNCTION business_store_service.end_attempt(p_migration_id uuid, p_status text, p_details text) RETURNS TABLE(ended integer, waiting text[])
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
#variable_conflict use_column
DECLARE
  v_tenant_id uuid;
BEGIN
  UPDATE business_store_service.schema_migrations m
  SET status = p_status, details = p_details, updated_at = clock_timestamp()
  WHERE m.migration_id = p_migration_id AND m.status = 'pending'
  RETURNING m.tenant_id INTO v_tenant_id;
  GET DIAGNOSTICS ended = ROW_COUNT;
  waiting := ARRAY(SELECT w.migration_id::text FROM business_store_service.schema_migrations w
                   WHERE w.tenant_id = v_tenant_id AND w.status = 'pending' AND w.migration_id <> p_migration_id
                   ORDER BY w.version_applied LIMIT 20);
  RETURN NEXT;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.end_attempt(uuid,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.end_attempt(uuid,text,text) TO bss_gate;
