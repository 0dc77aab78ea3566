// A dry run's SQL (dry-run.service.ts): the definition's tenant locked like an attempt's, and what each statement did.
const S = 'business_store_service';

/** The definition, and its tenant's lock tried at session level (released by the caller). */
export const CLAIM_DEFINITION_SQL = `
SELECT s.tenant_id, s.version, s.ddl, s.policy, s.transactional,
       pg_try_advisory_lock(${S}.tenant_lock_key(s.tenant_id)) AS locked
FROM ${S}.tenant_schemas s WHERE s.schema_id = $1`;

/**
 * Inside the dry run's transaction: the relation locks this backend holds on the tenant's
 * relations, and the storage (relfilenode) of the tenant's tables, as JSON in one round trip.
 */
export const CAPTURE_SQL = `
SELECT
  (SELECT COALESCE(json_agg(json_build_object('oid', c.oid, 'relation', c.relname, 'mode', l.mode)), '[]')
   FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND n.nspname = $1) AS locks,
  (SELECT COALESCE(json_agg(json_build_object('oid', c.oid, 'relation', c.relname, 'filenode', c.relfilenode, 'tuples', c.reltuples)), '[]')
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')) AS tables`;
