-- What a trusted DDL's session may do to the audit log is checked here, for finish_attempt and
-- statement_done. The session is an apply session of this database, lent the attempt's tenant's
-- role and no other, acting as that role (SET ROLE); the attempt is pending; its tenant's lock
-- is held by another session (the service's); and the tenant's schema shows nothing a trusted
-- definition may not leave behind: no SECURITY DEFINER routine, no grant to anyone else (on the
-- schema, its objects or their columns), no default privileges, role settings or large objects.
-- Returns the attempt's tenant.
CREATE OR REPLACE FUNCTION bss_gate.check_session(p_migration_id uuid) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  v_session oid := to_regrole(quote_ident(session_user));
  v_tenant uuid;
  v_status text;
  v_schema oid;
  v_owner oid;
BEGIN
  SELECT m.tenant_id, m.status INTO v_tenant, v_status FROM business_store_service.schema_migrations m WHERE m.migration_id = p_migration_id;
  SELECT n.oid, n.nspowner INTO v_schema, v_owner FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(v_tenant::text, '-', '');
  IF v_owner IS NULL OR NOT business_store_service.is_apply_session(session_user)
     OR ARRAY(SELECT a.roleid FROM pg_auth_members a WHERE a.member = v_session) IS DISTINCT FROM ARRAY[v_owner] THEN
    RAISE EXCEPTION 'migration % is not an attempt of this session''s tenant', p_migration_id USING ERRCODE = 'BSS06';
  END IF;
  -- The caller's role (inside this function current_user is its owner): the tenant's, as set.
  IF current_setting('role') IS DISTINCT FROM v_owner::regrole::text THEN
    RAISE EXCEPTION 'the DDL ran as role %, not %', current_setting('role'), v_owner::regrole USING ERRCODE = 'BSS01';
  END IF;
  IF v_status <> 'pending' THEN
    RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = 'BSS02';
  END IF;
  -- Free, so nobody applies it: taken only until this transaction ends, which it does at once.
  IF pg_try_advisory_xact_lock(business_store_service.tenant_lock_key(v_tenant)) THEN
    RAISE EXCEPTION 'the tenant of migration % is not locked by an apply', p_migration_id USING ERRCODE = 'BSS06';
  END IF;
  -- The schema's objects through their dependency on it (an index scan, however large the catalogs).
  IF EXISTS (SELECT 1 FROM pg_depend d
             LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
             LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
             LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
             WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = v_schema
               AND (p.prosecdef
                    OR EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee <> v_owner)
                    OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee NOT IN (v_owner, 0))
                    OR EXISTS (SELECT 1 FROM aclexplode(t.typacl) a WHERE a.grantee NOT IN (v_owner, 0))
                    OR EXISTS (SELECT 1 FROM pg_attribute at WHERE at.attrelid = c.oid AND at.attnum > 0 AND at.attacl IS NOT NULL)))
     OR EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = v_schema AND a.grantee <> v_owner)
     OR EXISTS (SELECT 1 FROM pg_default_acl d WHERE d.defaclrole IN (v_owner, v_session))
     OR EXISTS (SELECT 1 FROM pg_db_role_setting s WHERE s.setrole IN (v_owner, v_session))
     OR EXISTS (SELECT 1 FROM pg_largeobject_metadata l WHERE l.lomowner IN (v_owner, v_session)) THEN
    RAISE EXCEPTION 'the DDL left a SECURITY DEFINER routine, a grant to another role, default privileges, role settings or large objects behind'
      USING ERRCODE = 'BSS03';
  END IF;
  RETURN v_tenant;
END $fn$;
ALTER FUNCTION bss_gate.check_session(uuid) OWNER TO bss_gate;
REVOKE ALL ON FUNCTION bss_gate.check_session(uuid) FROM PUBLIC;
