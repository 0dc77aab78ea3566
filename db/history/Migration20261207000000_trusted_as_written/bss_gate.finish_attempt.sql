-- The text before Migration20261207000000_trusted_as_written, which its down() restores. Never edited.
CREATE OR REPLACE FUNCTION bss_gate.finish_attempt(p_migration_id uuid, p_details text)
 RETURNS TABLE(ended integer, waiting text[])
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog'
AS $function$
      BEGIN
        PERFORM bss_gate.check_session(p_migration_id);
        SELECT e.ended, e.waiting INTO ended, waiting FROM business_store_service.end_attempt(p_migration_id, 'success', p_details) e;
        RETURN NEXT;
      END $function$
;
