// The apply's SQL, in the order it runs; all inside one transaction on one connection.

/** Reads the attempt and tries the tenant's advisory lock (held until the transaction ends). */
export const LOCK_ATTEMPT_SQL = `
SELECT m.tenant_id, m.version_applied, s.ddl,
       pg_try_advisory_xact_lock(hashtextextended('bss:tenant:' || m.tenant_id::text, 0)) AS locked
FROM business_store_service.schema_migrations m
JOIN business_store_service.tenant_schemas s ON s.schema_id = m.tenant_schema_id
WHERE m.migration_id = $1`;

/** Waits for the tenant's lock: giving up is quick and must not be skipped. */
export const GIVE_UP_LOCK_SQL = `
SELECT m.tenant_id, pg_advisory_xact_lock(hashtextextended('bss:tenant:' || m.tenant_id::text, 0))
FROM business_store_service.schema_migrations m
WHERE m.migration_id = $1`;

/** Could a parked attempt run now? Its tenant is free and its previous version is no longer pending. */
export const ATTEMPT_READY_SQL = `
SELECT pg_try_advisory_xact_lock(hashtextextended('bss:tenant:' || m.tenant_id::text, 0))
       AND NOT EXISTS (SELECT 1 FROM business_store_service.schema_migrations p
                       WHERE p.tenant_id = m.tenant_id AND p.version_applied = m.version_applied - 1
                         AND p.status = 'pending') AS ready
FROM business_store_service.schema_migrations m
WHERE m.migration_id = $1`;

/** Re-read under the lock: the record's status and where the tenant's versions stand. */
export const ATTEMPT_STATE_SQL = `
SELECT m.status,
       COALESCE((SELECT max(version_applied) FROM business_store_service.schema_migrations
                 WHERE tenant_id = $2 AND status = 'success'), 0) AS current_version,
       EXISTS (SELECT 1 FROM business_store_service.schema_migrations
               WHERE tenant_id = $2 AND version_applied = $3 - 1 AND status = 'pending') AS previous_pending
FROM business_store_service.schema_migrations m
WHERE m.migration_id = $1`;

/** Ends the attempt (only a pending one) and lists the tenant's other pending attempts, to wake them. */
export const END_ATTEMPT_SQL = `
WITH ended AS (
  UPDATE business_store_service.schema_migrations
  SET status = $2, details = $3, updated_at = clock_timestamp()
  WHERE migration_id = $1 AND status = 'pending'
  RETURNING migration_id
)
SELECT (SELECT count(*)::int FROM ended) AS ended,
       ARRAY(SELECT migration_id::text FROM business_store_service.schema_migrations
             WHERE tenant_id = $4 AND status = 'pending' AND migration_id <> $1
             ORDER BY version_applied LIMIT 20) AS waiting`;

/** The tenant's own role: NOLOGIN, owns its schema and nothing else. */
export function tenantRoleName(schema: string): string {
  return `bss_${schema}`;
}

/**
 * Session settings, the tenant's role and schema, in one round trip. The savepoint lets a
 * failed statement be undone (role and schema creation included) while the lock is kept.
 * The DDL then runs as the tenant's role, which can reach nothing outside its schema.
 */
export function prepareTenantSql(schema: string, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  const role = tenantRoleName(schema);
  return [
    `SET LOCAL lock_timeout = ${Math.trunc(timeouts.lockTimeoutMs)}`,
    `SET LOCAL statement_timeout = ${Math.trunc(timeouts.statementTimeoutMs)}`,
    'SAVEPOINT tenant_ddl',
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN
         CREATE ROLE ${role} NOLOGIN NOINHERIT;
         GRANT ${role} TO CURRENT_USER;
       END IF;
     END $$`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`,
    `SET LOCAL search_path TO ${schema}`,
    `SET LOCAL ROLE ${role}`,
  ].join(';\n');
}

/** After the DDL: who it ran as (must still be the tenant's role), then back to the service's role. */
export const LEAVE_TENANT_ROLE_SQL = 'SELECT current_user AS role; RESET ROLE';

/**
 * Inlines `$n` parameters as escaped literals, so that a statement can share one round trip
 * with others (the simple query protocol takes no parameters).
 */
export function inlineParams(sql: string, values: string[], escapeLiteral: (value: string) => string): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => escapeLiteral(values[Number(n) - 1]));
}
