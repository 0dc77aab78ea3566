-- A new apply session role, for one connection of a worker's pool of trusted sessions: LOGIN with
-- the secret behind this SCRAM verifier until close_apply_session (called as soon as the
-- connection is made), NOINHERIT, one connection at most, owning nothing. During one attempt it is
-- lent one tenant's role (lend_tenant), so that RESET ROLE in a tenant's DDL lands on a role that
-- can do nothing. Session roles whose connection is gone (their process died) are dropped first.
CREATE OR REPLACE FUNCTION business_store_service.open_apply_session(p_verifier text) RETURNS name
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  v_role name := 'bss_session_' || to_hex((SELECT d.oid FROM pg_database d WHERE d.datname = current_database())::bigint)
                 || '_' || substr(md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text), 1, 16);
  v_dead record;
BEGIN
  -- Only a SCRAM verifier (the caller keeps the secret): never a plain password to log or hash here.
  IF p_verifier !~ '^SCRAM-SHA-256\$[1-9][0-9]*:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$' THEN
    RAISE EXCEPTION 'an apply session needs a SCRAM-SHA-256 verifier with a 16-byte salt' USING ERRCODE = '22023';
  END IF;
  -- Its password was valid for a minute only, and no backend is logged in as it: its process is gone.
  -- One sweep at a time: two DROP ROLEs of one role collide ("tuple concurrently deleted"), so a
  -- session opened during another's sweep leaves the dead to it.
  IF pg_try_advisory_xact_lock(hashtextextended('bss:session-sweep', 0)) THEN
    FOR v_dead IN SELECT r.rolname FROM pg_roles r
                  WHERE r.rolname LIKE 'bss\_session\_%' AND business_store_service.is_apply_session(r.rolname)
                    AND r.rolvaliduntil < now()
                    AND NOT EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) a WHERE a.usesysid = r.oid) LOOP
      BEGIN
        EXECUTE format('DROP ROLE %I', v_dead.rolname);
      EXCEPTION WHEN dependent_objects_still_exist THEN
        NULL; -- it owns something (a large object, say): kept, and it can never log in again
      END;
    END LOOP;
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT CONNECTION LIMIT 1 PASSWORD %L VALID UNTIL %L',
                 v_role, p_verifier, (now() + interval '1 minute')::text);
  RETURN v_role;
END $fn$;
ALTER FUNCTION business_store_service.open_apply_session(text) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.open_apply_session(text) FROM PUBLIC;
