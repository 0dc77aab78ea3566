-- The database, not the application, guarantees that the checksum is the DDL's SHA-256 and that a
-- stored definition never changes.
CREATE OR REPLACE FUNCTION business_store_service.tenant_schemas_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'tenant_schemas rows are immutable: store a new version instead'
      USING ERRCODE = '42501';
  END IF;
  NEW.checksum := encode(sha256(convert_to(NEW.ddl, 'UTF8')), 'hex');
  RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.tenant_schemas_guard() FROM PUBLIC;
