-- Ends a strict attempt 'success' in the transaction of its DDL. It checks what the caller would
-- check first: the DDL still ran as the tenant's role (the caller notes enter_tenant's answer in
-- bss.tenant_role, and current_user in bss.ddl_role before RESET ROLE; a strict definition can set
-- neither), and the attempt was still pending. Its own SQLSTATEs tell the caller which.
CREATE OR REPLACE FUNCTION business_store_service.finish_attempt(p_migration_id uuid, p_details text) RETURNS TABLE(ended integer, waiting text[])
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  v_ran_as text := current_setting('bss.ddl_role', true);
  v_tenant_role text := current_setting('bss.tenant_role', true);
BEGIN
  IF v_ran_as IS NULL OR v_ran_as = '' OR v_ran_as IS DISTINCT FROM v_tenant_role THEN
    RAISE EXCEPTION 'the DDL ran as role %, not %', v_ran_as, v_tenant_role USING ERRCODE = '{{LEFT_TENANT_ROLE}}';
  END IF;
  SELECT e.ended, e.waiting INTO ended, waiting
  FROM business_store_service.end_attempt(p_migration_id, 'success', p_details) e;
  IF ended <> 1 THEN
    RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = '{{NO_LONGER_PENDING}}';
  END IF;
  RETURN NEXT;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.finish_attempt(uuid,text) FROM PUBLIC;
