-- Installs a trusted extension into bss_extensions (idempotent) and returns the schema it lives in.
-- PostgreSQL's own rules still apply: a role that is not a superuser can create only extensions
-- marked trusted.
CREATE OR REPLACE FUNCTION business_store_service.install_extension(p_name text) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE v_schema name;
BEGIN
  IF p_name !~ '^[a-z0-9_-]{1,63}$' THEN
    RAISE EXCEPTION 'not an extension name: %', p_name USING ERRCODE = '22023';
  END IF;
  EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I SCHEMA bss_extensions', p_name);
  SELECT n.nspname INTO v_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = p_name;
  RETURN v_schema;
END
$fn$;
ALTER FUNCTION business_store_service.install_extension(text) OWNER TO bss_provisioner;
REVOKE ALL ON FUNCTION business_store_service.install_extension(text) FROM PUBLIC;
