// A dry run's SQL (dry-run.service.ts): the definition, its tenant locked like an attempt's (live),
// what each statement did, and the tenant's relations' statistics.
const S = 'business_store_service';

export const DEFINITION_SQL = `SELECT s.tenant_id, s.version, s.ddl, s.policy, s.transactional FROM ${S}.tenant_schemas s WHERE s.schema_id = $1`;

/** The tenant's lock tried at session level, as an attempt's claim does (released by the caller). */
export const LOCK_TENANT_SQL = `SELECT pg_try_advisory_lock(${S}.tenant_lock_key($1)) AS locked`;

/** Whether an attempt holds the tenant's lock, read from pg_locks without taking it (a bigint key is classid, objid). */
export const TENANT_BUSY_SQL = `
SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_locks l, (SELECT ${S}.tenant_lock_key($1) AS k) t
  WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
    AND l.classid = ((t.k >> 32) & 4294967295)::oid AND l.objid = (t.k & 4294967295)::oid) AS busy`;

/**
 * Inside the dry run's transaction: the relation locks this backend holds on the schema's
 * relations, and the storage (relfilenode) of its tables, as JSON in one round trip.
 */
export const CAPTURE_SQL = `
SELECT
  (SELECT COALESCE(json_agg(json_build_object('relation', c.relname, 'mode', l.mode, 'table', c.relkind IN ('r', 'p', 'm'))), '[]')
   FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND n.nspname = $1) AS locks,
  (SELECT COALESCE(json_agg(json_build_object('oid', c.oid, 'relation', c.relname, 'filenode', c.relfilenode)), '[]')
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')) AS tables`;

/**
 * The tenant's relations, with their rows and bytes from PostgreSQL's statistics (pg_class: no
 * scan and no lock at all); both null until the relation was first vacuumed or analyzed.
 */
export const TENANT_RELATIONS_SQL = `
SELECT c.relname AS relation, c.relkind, CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS rows,
       CASE WHEN c.reltuples >= 0 THEN c.relpages::bigint * current_setting('block_size')::bigint END AS bytes
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S')`;

/**
 * A table never vacuumed or analyzed has no statistics yet: the planner's own estimate of its
 * rows (from its size, as PostgreSQL plans before ANALYZE), and its size, both without a scan.
 */
export const estimateSql = (qualified: string) => `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${qualified}`;
export const SIZE_SQL = 'SELECT pg_catalog.pg_relation_size($1::regclass) AS bytes';
