-- The purge path: one batch, as the purge role (the one role allowed to delete from the audit log).
CREATE OR REPLACE FUNCTION business_store_service.purge_schema_migrations(p_cutoff timestamp with time zone, p_limit integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE deleted integer;
BEGIN
  -- = ANY(ARRAY(...)) keeps every batch on the primary key; IN (...) turns into a hash
  -- join that scans the whole table once batches reach a few thousand rows.
  DELETE FROM business_store_service.schema_migrations m
  WHERE m.migration_id = ANY (ARRAY(
    SELECT p.migration_id FROM business_store_service.purgeable_schema_migrations(p_cutoff) p LIMIT p_limit));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$fn$;
ALTER FUNCTION business_store_service.purge_schema_migrations(timestamp with time zone,integer) OWNER TO bss_audit_purge;
REVOKE ALL ON FUNCTION business_store_service.purge_schema_migrations(timestamp with time zone,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION business_store_service.purge_schema_migrations(timestamp with time zone,integer) TO CURRENT_USER;
