-- Whether a role is one of this database's apply session roles (open_apply_session makes them).
CREATE OR REPLACE FUNCTION business_store_service.is_apply_session(p_role text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT p_role ~ ('^bss_session_' || to_hex((SELECT d.oid FROM pg_database d WHERE d.datname = current_database())::bigint) || '_[0-9a-f]{16}$')
$fn$;
REVOKE ALL ON FUNCTION business_store_service.is_apply_session(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.is_apply_session(text) TO bss_provisioner;
