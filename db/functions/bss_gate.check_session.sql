-- What a trusted DDL's session may do to the audit log is checked here, for finish_attempt and
-- statement_done. The session is an apply session, lent the attempt's tenant's role and no other,
-- acting as that role (SET ROLE); the attempt is pending; its tenant's lock is held by another
-- session (the service's); and the tenant's schema shows nothing a trusted definition may not
-- leave behind: no SECURITY DEFINER routine, no grant to anyone else (on the schema, its objects
-- or their columns), no default privileges, role settings or large objects. Returns the tenant.
--
-- Small queries: in a fan-out every CREATE SCHEMA makes PostgreSQL plan each statement of this
-- function again, and a query joining many catalogs costs more to plan than to run. The schema's
-- objects are found through their dependency on it (an index scan, however large the catalogs);
-- an ACL is clean when it holds no more than the owner's default privileges.
CREATE OR REPLACE FUNCTION bss_gate.check_session(p_migration_id uuid) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  v_session oid := to_regrole(quote_ident(session_user));
  v_tenant uuid;
  v_status text;
  v_schema oid;
  v_owner oid;
  v_clean boolean;
  v_relations oid[];
  v_routines oid[];
  v_types oid[];
BEGIN
  SELECT m.tenant_id, m.status INTO v_tenant, v_status FROM business_store_service.schema_migrations m WHERE m.migration_id = p_migration_id;
  SELECT n.oid, n.nspowner, coalesce(n.nspacl <@ acldefault('n', n.nspowner), true) INTO v_schema, v_owner, v_clean
  FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(v_tenant::text, '-', '');
  IF v_owner IS NULL OR session_user::text NOT LIKE 'bss\_session\_%'
     OR ARRAY(SELECT a.roleid FROM pg_auth_members a WHERE a.member = v_session) IS DISTINCT FROM ARRAY[v_owner] THEN
    RAISE EXCEPTION 'migration % is not an attempt of this session''s tenant', p_migration_id USING ERRCODE = '{{NOT_THIS_SESSION}}';
  END IF;
  -- The caller's role (inside this function current_user is its owner): the tenant's, as set.
  IF current_setting('role') IS DISTINCT FROM v_owner::regrole::text THEN
    RAISE EXCEPTION 'the DDL ran as role %, not %', current_setting('role'), v_owner::regrole USING ERRCODE = '{{LEFT_TENANT_ROLE}}';
  END IF;
  IF v_status <> 'pending' THEN
    RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = '{{NO_LONGER_PENDING}}';
  END IF;
  -- Free, so nobody applies it: taken only until this transaction ends, which it does at once.
  IF pg_try_advisory_xact_lock(business_store_service.tenant_lock_key(v_tenant)) THEN
    RAISE EXCEPTION 'the tenant of migration % is not locked by an apply', p_migration_id USING ERRCODE = '{{NOT_THIS_SESSION}}';
  END IF;
  SELECT array_agg(d.objid) FILTER (WHERE d.classid = 'pg_class'::regclass), array_agg(d.objid) FILTER (WHERE d.classid = 'pg_proc'::regclass),
         array_agg(d.objid) FILTER (WHERE d.classid = 'pg_type'::regclass)
  INTO v_relations, v_routines, v_types
  FROM pg_depend d WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = v_schema;
  IF NOT v_clean
     OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ANY (v_relations) AND NOT c.relacl <@ acldefault('r', v_owner))
     OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = ANY (v_relations) AND a.attacl IS NOT NULL)
     OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = ANY (v_routines) AND (p.prosecdef OR NOT p.proacl <@ acldefault('f', v_owner)))
     OR EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = ANY (v_types) AND NOT t.typacl <@ acldefault('T', v_owner))
     OR EXISTS (SELECT 1 FROM pg_default_acl da WHERE da.defaclrole IN (v_owner, v_session))
     OR EXISTS (SELECT 1 FROM pg_db_role_setting rs WHERE rs.setrole IN (v_owner, v_session))
     OR EXISTS (SELECT 1 FROM pg_largeobject_metadata lo WHERE lo.lomowner IN (v_owner, v_session)) THEN
    RAISE EXCEPTION 'the DDL left a SECURITY DEFINER routine, a grant to another role, default privileges, role settings or large objects behind'
      USING ERRCODE = '{{LEFT_FORBIDDEN_STATE}}';
  END IF;
  RETURN v_tenant;
END $fn$;
ALTER FUNCTION bss_gate.check_session(uuid) OWNER TO bss_gate;
REVOKE ALL ON FUNCTION bss_gate.check_session(uuid) FROM PUBLIC;
