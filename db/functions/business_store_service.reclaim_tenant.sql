-- Takes back the tenant roles an apply session was lent (its attempt has ended): from the
-- service's connection after a failure, or through the gate in the transaction that records
-- success (then as the session's own, p_session = session_user).
CREATE OR REPLACE FUNCTION business_store_service.reclaim_tenant(p_session name) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE v_held record;
BEGIN
  IF p_session::text NOT LIKE 'bss\_session\_%' THEN
    RAISE EXCEPTION '% is not an apply session role', p_session USING ERRCODE = '42501';
  END IF;
  -- One change of a session's memberships at a time (two revokes of one membership would collide).
  PERFORM pg_advisory_xact_lock(hashtextextended('bss:session:' || p_session, 0));
  FOR v_held IN SELECT a.roleid FROM pg_auth_members a WHERE a.member = to_regrole(quote_ident(p_session)) LOOP
    EXECUTE format('REVOKE %s FROM %I', v_held.roleid::regrole, p_session);
  END LOOP;
END $fn$;
ALTER FUNCTION business_store_service.reclaim_tenant(name) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.reclaim_tenant(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.reclaim_tenant(name) TO bss_gate;
