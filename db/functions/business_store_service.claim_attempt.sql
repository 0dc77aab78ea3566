-- The attempt's first step, in the apply's transaction: reads the attempt and tries its tenant's
-- lock at SESSION level (it outlives a ROLLBACK); if taken, reads where the tenant's versions stand
-- in a statement of its own (a fresh snapshot that sees every attempt ended before the lock was
-- granted). With p_enter, a strict attempt that may run (pending, next in version order) also
-- enters its tenant (enter_tenant), saving the apply a round trip; the caller rolls back if it then
-- refuses it. The caller releases the lock with release_tenant() once the attempt has ended or
-- been set aside. One pass over the tenant's attempts: any CREATE SCHEMA in the cluster makes
-- PostgreSQL plan every statement here again.
CREATE OR REPLACE FUNCTION business_store_service.claim_attempt(p_migration_id uuid, p_enter boolean DEFAULT false) RETURNS TABLE(tenant_id uuid, tenant_schema_id uuid, version_applied integer, ddl text, policy text, transactional boolean, locked boolean, status text, current_version integer, previous_pending boolean, tenant_role name)
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
#variable_conflict use_column
BEGIN
  SELECT m.tenant_id, m.tenant_schema_id, m.version_applied, s.ddl, s.policy, s.transactional
  INTO tenant_id, tenant_schema_id, version_applied, ddl, policy, transactional
  FROM business_store_service.schema_migrations m
  JOIN business_store_service.tenant_schemas s ON s.schema_id = m.tenant_schema_id
  WHERE m.migration_id = p_migration_id;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  locked := pg_try_advisory_lock(business_store_service.tenant_lock_key(tenant_id));
  IF locked THEN
    SELECT COALESCE(max(p.version_applied) FILTER (WHERE p.status = 'success'), 0),
           COALESCE(bool_or(p.version_applied = claim_attempt.version_applied - 1 AND p.status = 'pending'), false),
           min(p.status) FILTER (WHERE p.migration_id = p_migration_id)
    INTO current_version, previous_pending, status
    FROM business_store_service.schema_migrations p
    WHERE p.tenant_id = claim_attempt.tenant_id;
    IF p_enter AND status = 'pending' AND current_version = claim_attempt.version_applied - 1 AND policy = 'strict' THEN
      tenant_role := business_store_service.enter_tenant(tenant_id);
    END IF;
  END IF;
  RETURN NEXT;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.claim_attempt(uuid,boolean) FROM PUBLIC;
