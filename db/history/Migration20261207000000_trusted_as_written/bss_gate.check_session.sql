-- The text before Migration20261207000000_trusted_as_written, which its down() restores. Never edited.
CREATE OR REPLACE FUNCTION bss_gate.check_session(p_migration_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog'
AS $function$
      DECLARE
        v_tenant uuid;
        v_status text;
        v_key bigint;
        v_schema oid;
        v_owner oid;
      BEGIN
        SELECT m.tenant_id, m.status INTO v_tenant, v_status FROM business_store_service.schema_migrations m WHERE m.migration_id = p_migration_id;
        SELECT n.oid, n.nspowner INTO v_schema, v_owner FROM pg_namespace n WHERE n.nspname = 'tenant_' || replace(v_tenant::text, '-', '');
        IF v_tenant IS NULL OR v_owner IS DISTINCT FROM to_regrole(quote_ident(session_user)) THEN
          RAISE EXCEPTION 'migration % is not an attempt of this session''s tenant', p_migration_id USING ERRCODE = 'BSS06';
        END IF;
        IF v_status <> 'pending' THEN
          RAISE EXCEPTION 'migration % is no longer pending', p_migration_id USING ERRCODE = 'BSS02';
        END IF;
        v_key := business_store_service.tenant_lock_key(v_tenant);
        IF NOT EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid() AND l.objsubid = 1
                         AND l.classid::bigint = (v_key >> 32) & 4294967295 AND l.objid::bigint = v_key & 4294967295) THEN
          RAISE EXCEPTION 'the tenant of migration % is not locked by an apply', p_migration_id USING ERRCODE = 'BSS06';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = v_schema AND p.prosecdef)
           OR EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = v_schema AND a.grantee <> v_owner)
           OR EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = v_schema AND a.grantee <> v_owner)
           OR EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = v_schema AND a.grantee NOT IN (v_owner, 0))
           OR EXISTS (SELECT 1 FROM pg_type t, aclexplode(t.typacl) a WHERE t.typnamespace = v_schema AND a.grantee NOT IN (v_owner, 0))
           OR EXISTS (SELECT 1 FROM pg_default_acl d WHERE d.defaclrole = v_owner)
           OR EXISTS (SELECT 1 FROM pg_db_role_setting s WHERE s.setrole = v_owner)
           OR EXISTS (SELECT 1 FROM pg_largeobject_metadata l WHERE l.lomowner = v_owner) THEN
          RAISE EXCEPTION 'the DDL left a SECURITY DEFINER routine, a grant to another role, default privileges, role settings or large objects behind'
            USING ERRCODE = 'BSS03';
        END IF;
        RETURN v_tenant;
      END $function$
;
