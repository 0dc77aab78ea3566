-- The text before Migration20261207000000_trusted_as_written, which its down() restores. Never edited.
CREATE OR REPLACE FUNCTION business_store_service.close_tenant_session(p_tenant_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog'
AS $function$
      DECLARE v_role text;
      BEGIN
        SELECT n.nspowner::regrole::text INTO v_role FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(p_tenant_id::text, '-', '');
        IF v_role LIKE 'bss\_tenant\_%' THEN
          EXECUTE format('ALTER ROLE %s NOLOGIN PASSWORD NULL', v_role);
        END IF;
      END $function$
;
ALTER FUNCTION business_store_service.close_tenant_session(uuid) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.close_tenant_session(uuid) FROM PUBLIC;
