-- A non-transactional definition: statement p_ordinal has completed, recorded in the statement's own
-- transaction where it can have one, by the apply session the tenant was lent (check_session).
CREATE OR REPLACE FUNCTION bss_gate.statement_done(p_migration_id uuid, p_ordinal integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
BEGIN
  PERFORM bss_gate.check_session(p_migration_id);
  UPDATE business_store_service.definition_progress d SET next_statement = p_ordinal + 1, started_statement = NULL, updated_at = clock_timestamp()
  FROM business_store_service.schema_migrations m
  WHERE m.migration_id = p_migration_id AND d.tenant_schema_id = m.tenant_schema_id AND d.next_statement = p_ordinal;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'statement % of migration % is not the next one', p_ordinal, p_migration_id USING ERRCODE = '{{NOT_THE_NEXT_STATEMENT}}';
  END IF;
END
$fn$;
ALTER FUNCTION bss_gate.statement_done(uuid,integer) OWNER TO bss_gate;
REVOKE ALL ON FUNCTION bss_gate.statement_done(uuid,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bss_gate.statement_done(uuid,integer) TO PUBLIC;
