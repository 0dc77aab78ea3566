-- The text before Migration20261207000000_trusted_as_written, which its down() restores. Never edited.
CREATE OR REPLACE FUNCTION business_store_service.open_tenant_session(p_tenant_id uuid, p_verifier text)
 RETURNS name
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog'
AS $function$
      DECLARE v_role name := business_store_service.provision_tenant(p_tenant_id);
      BEGIN
        -- Only a SCRAM verifier (the caller keeps the secret): never a plain password to log or hash here.
        IF p_verifier !~ '^SCRAM-SHA-256\$[1-9][0-9]*:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$' THEN
          RAISE EXCEPTION 'a tenant session needs a SCRAM-SHA-256 verifier with a 16-byte salt' USING ERRCODE = '22023';
        END IF;
        -- An earlier attempt's session still running (its worker was killed mid-statement, say):
        -- wait until PostgreSQL has ended it, so that two sessions never act for one tenant.
        -- (pg_stat_get_activity itself: the pg_stat_activity view costs twice as much.)
        IF EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) a WHERE a.usesysid = to_regrole(quote_ident(v_role))) THEN
          RAISE EXCEPTION 'an earlier session of tenant role % is still running', v_role USING ERRCODE = 'BSS05';
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', v_role, p_verifier);
        RETURN v_role;
      END $function$
;
ALTER FUNCTION business_store_service.open_tenant_session(uuid,text) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.open_tenant_session(uuid,text) FROM PUBLIC;
