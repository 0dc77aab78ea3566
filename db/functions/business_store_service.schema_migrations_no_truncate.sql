-- TRUNCATE would bypass the row triggers that keep the audit log append-only.
CREATE OR REPLACE FUNCTION business_store_service.schema_migrations_no_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  RAISE EXCEPTION 'schema_migrations is append-only: TRUNCATE is not allowed' USING ERRCODE = '42501';
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.schema_migrations_no_truncate() FROM PUBLIC;
