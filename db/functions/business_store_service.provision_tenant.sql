-- The tenant's role and schema, created on first use and nothing else: names come from the tenant
-- id, so it can only make bss_tenant_<hex>_<database> roles and tenant_<hex> schemas. The role name
-- carries the database's OID, so services with databases of their own in one cluster never share a
-- tenant role. An existing schema keeps its owner if that is a tenant role.
--
-- No role stays a member of many tenant roles: PostgreSQL 15 builds a role's membership list in
-- time quadratic in its length whenever any membership changes (every new tenant), which made each
-- CREATE SCHEMA ... AUTHORIZATION cost ~100 ms at 4,000 tenants. So the provisioning role is a
-- member of a new tenant role only while it creates its schema. Plain catalog lookups, no pg_roles
-- view: in a fan-out every CREATE SCHEMA or ROLE makes PostgreSQL plan these queries again.
CREATE OR REPLACE FUNCTION business_store_service.provision_tenant(p_tenant_id uuid) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  v_hex text := replace(p_tenant_id::text, '-', '');
  v_schema name := 'tenant_' || v_hex;
  v_role name;
BEGIN
  -- Plain catalog lookups, no pg_roles view: in a fan-out every CREATE SCHEMA or ROLE makes
  -- PostgreSQL plan these queries again, and the view's join costs a lot to plan.
  SELECT n.nspowner::regrole::text INTO v_role FROM pg_namespace n WHERE n.nspname = v_schema;
  IF v_role IS NULL THEN
    v_role := 'bss_tenant_' || v_hex || '_' || to_hex((SELECT d.oid FROM pg_database d WHERE d.datname = current_database())::bigint);
    IF to_regrole(v_role) IS NULL THEN
      -- NOINHERIT: a strict tenant needs nothing but its schema; lend_tenant lets a trusted one inherit TEMP.
      EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', v_role);
    END IF;
    EXECUTE format('GRANT %I TO %I', v_role, current_user);
    EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', v_schema, v_role);
    EXECUTE format('REVOKE %I FROM %I', v_role, current_user);
  ELSIF v_role NOT LIKE 'bss\_tenant\_%' THEN
    RAISE EXCEPTION 'schema % is owned by role %, which is not a tenant role', v_schema, v_role USING ERRCODE = '42501';
  END IF;
  RETURN v_role;
END
$fn$;
ALTER FUNCTION business_store_service.provision_tenant(uuid) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.provision_tenant(uuid) FROM PUBLIC;
