-- The text before Migration20261207000000_trusted_as_written, which its down() restores. Never edited.
CREATE OR REPLACE FUNCTION business_store_service.provision_tenant(p_tenant_id uuid)
 RETURNS name
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog'
AS $function$
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
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', v_role);
          END IF;
          EXECUTE format('GRANT %I TO %I', v_role, current_user);
          EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', v_schema, v_role);
          EXECUTE format('REVOKE %I FROM %I', v_role, current_user);
        ELSIF v_role NOT LIKE 'bss\_tenant\_%' THEN
          RAISE EXCEPTION 'schema % is owned by role %, which is not a tenant role', v_schema, v_role USING ERRCODE = '42501';
        END IF;
        RETURN v_role;
      END $function$
;
