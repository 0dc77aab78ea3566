-- Ends the session's own attempt 'success', in the transaction of its DDL, and takes the tenant's
-- role back from the session in that same transaction: both commit together, or neither does.
CREATE OR REPLACE FUNCTION bss_gate.finish_attempt(p_migration_id uuid, p_details text) RETURNS TABLE (ended integer, waiting text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
BEGIN
  PERFORM bss_gate.check_session(p_migration_id);
  SELECT e.ended, e.waiting INTO ended, waiting FROM business_store_service.end_attempt(p_migration_id, 'success', p_details) e;
  PERFORM business_store_service.reclaim_tenant(session_user);
  RETURN NEXT;
END $fn$;
ALTER FUNCTION bss_gate.finish_attempt(uuid, text) OWNER TO bss_gate;
REVOKE ALL ON FUNCTION bss_gate.finish_attempt(uuid, text) FROM PUBLIC;
-- Session roles are made one by one: every role may call it, and it checks who calls.
GRANT EXECUTE ON FUNCTION bss_gate.finish_attempt(uuid, text) TO PUBLIC;
