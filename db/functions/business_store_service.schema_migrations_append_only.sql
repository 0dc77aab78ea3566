-- The audit log is append-only (docs/contract.md §8): an UPDATE may change only status, details and
-- updated_at, only pending -> success or failed, never an attempt that has ended; a DELETE only as
-- the purge role (purge_schema_migrations).
CREATE OR REPLACE FUNCTION business_store_service.schema_migrations_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_user <> 'bss_audit_purge' THEN
      RAISE EXCEPTION 'schema_migrations is append-only: records are removed only by the retention purge (business_store_service.purge_schema_migrations)'
        USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
  END IF;
  IF (NEW.migration_id, NEW.tenant_schema_id, NEW.tenant_id, NEW.version_applied, NEW.applied_by, NEW.created_at)
     IS DISTINCT FROM
     (OLD.migration_id, OLD.tenant_schema_id, OLD.tenant_id, OLD.version_applied, OLD.applied_by, OLD.created_at) THEN
    RAISE EXCEPTION 'schema_migrations: only status, details and updated_at may change (migration %)', OLD.migration_id
      USING ERRCODE = '23514';
  END IF;
  IF OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'schema_migrations: migration % has ended (%) and cannot change', OLD.migration_id, OLD.status
      USING ERRCODE = '23514';
  END IF;
  IF NEW.status NOT IN ('success', 'failed') THEN
    RAISE EXCEPTION 'schema_migrations: a pending record may only become success or failed, not %', NEW.status
      USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION business_store_service.schema_migrations_append_only() FROM PUBLIC;
