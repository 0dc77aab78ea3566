-- Lends an apply session the tenant's role for one attempt (the caller holds the tenant's lock):
-- the tenant provisioned, the session made a member of its role and of no other. A session role
-- owns nothing and inherits nothing: RESET ROLE in the tenant's DDL lands on a role that can do
-- nothing, SET ROLE reaches this tenant only. The first time, the tenant's role is made to inherit
-- from bss_tenants_<database>, which holds TEMPORARY on this database and nothing else: trusted
-- DDL may use temporary tables, as PostgreSQL lets a database's users by default.
-- Returns the tenant's role. The gate (or reclaim_tenant, after a failure) takes it back.
CREATE OR REPLACE FUNCTION business_store_service.lend_tenant(p_tenant_id uuid, p_session name) RETURNS name
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  v_session oid := to_regrole(quote_ident(p_session));
  v_role name;
  v_tenant oid;
  v_group name;
  v_held record;
BEGIN
  IF v_session IS NULL OR p_session::text NOT LIKE 'bss\_session\_%' THEN
    RAISE EXCEPTION '% is not an apply session role', p_session USING ERRCODE = '42501';
  END IF;
  -- One change of a session's memberships at a time (two revokes of one membership would collide).
  PERFORM pg_advisory_xact_lock(hashtextextended('bss:session:' || p_session, 0));
  v_role := business_store_service.provision_tenant(p_tenant_id);
  v_tenant := to_regrole(quote_ident(v_role));
  v_group := 'bss_tenants_' || to_hex((SELECT d.oid FROM pg_database d WHERE d.datname = current_database())::bigint);
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members a WHERE a.member = v_tenant AND a.roleid = to_regrole(v_group)) THEN
    EXECUTE format('ALTER ROLE %I INHERIT', v_role);
    EXECUTE format('GRANT %I TO %I', v_group, v_role);
  END IF;
  -- What this session still holds from an attempt that could not hand it back.
  FOR v_held IN SELECT a.roleid FROM pg_auth_members a WHERE a.member = v_session AND a.roleid <> v_tenant LOOP
    EXECUTE format('REVOKE %s FROM %I', v_held.roleid::regrole, p_session);
  END LOOP;
  -- Another session was lent this tenant and never gave it back. Still in a transaction (its worker
  -- was killed mid-statement, say): wait until PostgreSQL has ended it, so that two sessions never
  -- act for one tenant. Otherwise it is stale and loses the membership.
  FOR v_held IN SELECT a.member FROM pg_auth_members a
                WHERE a.roleid = v_tenant AND a.member <> v_session AND a.member::regrole::text LIKE 'bss\_session\_%' LOOP
    IF EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) s JOIN pg_locks l ON l.pid = s.pid AND l.locktype = 'virtualxid'
               WHERE s.usesysid = v_held.member) THEN
      RAISE EXCEPTION 'an earlier session of tenant role % is still running', v_role USING ERRCODE = '{{EARLIER_SESSION_RUNNING}}';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('bss:session:' || v_held.member::regrole::text, 0));
    EXECUTE format('REVOKE %I FROM %s', v_role, v_held.member::regrole);
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members a WHERE a.roleid = v_tenant AND a.member = v_session) THEN
    EXECUTE format('GRANT %I TO %I', v_role, p_session);
  END IF;
  RETURN v_role;
END $fn$;
ALTER FUNCTION business_store_service.lend_tenant(uuid, name) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.lend_tenant(uuid, name) FROM PUBLIC;
