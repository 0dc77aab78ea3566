-- Takes back the membership enter_tenant granted the caller, before the strict attempt commits.
CREATE OR REPLACE FUNCTION business_store_service.leave_tenant(p_tenant_id uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE v_owner oid;
BEGIN
  IF current_setting('bss.member_granted', true) IS DISTINCT FROM 'off' THEN
    SELECT n.nspowner INTO v_owner FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(p_tenant_id::text, '-', '');
    IF EXISTS (SELECT 1 FROM pg_auth_members a WHERE a.roleid = v_owner AND a.member = to_regrole(quote_ident(session_user))) THEN
      EXECUTE format('REVOKE %s FROM %I', v_owner::regrole, session_user);
    END IF;
  END IF;
END
$fn$;
ALTER FUNCTION business_store_service.leave_tenant(uuid) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.leave_tenant(uuid) FROM PUBLIC;
