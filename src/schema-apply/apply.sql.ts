// The apply's SQL, in the order it runs; all inside one transaction on one connection.

/**
 * Reads the attempt, tries the tenant's advisory lock (held until the transaction ends) and, if
 * taken, reads under it where the tenant's versions stand. See the apply_functions migration.
 */
export const BEGIN_ATTEMPT_SQL = 'SELECT * FROM business_store_service.begin_attempt($1)';

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

/** Ends the attempt (only a pending one) and lists the tenant's other pending attempts, to wake them. */
export const END_ATTEMPT_SQL = 'SELECT ended, waiting FROM business_store_service.end_attempt($1, $2, $3)';

/** The tenant's own role: NOLOGIN, owns its schema and nothing else. */
export function tenantRoleName(schema: string): string {
  return `bss_${schema}`;
}

/**
 * Timeouts for the rest of the transaction, then the savepoint that lets a failed statement be
 * undone (role and schema creation included) while the tenant's lock is kept.
 */
export function savepointSql(timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  return [
    `SET LOCAL lock_timeout = ${Math.trunc(timeouts.lockTimeoutMs)}`,
    `SET LOCAL statement_timeout = ${Math.trunc(timeouts.statementTimeoutMs)}`,
    'SAVEPOINT tenant_ddl',
  ].join(';\n');
}

/**
 * The tenant's role and schema (created on first use), then the DDL's session: unqualified names
 * resolve in the tenant's schema, and it runs as the tenant's role, which can reach nothing else.
 */
export function enterTenantSql(schema: string): string {
  const role = tenantRoleName(schema);
  return [
    `SELECT business_store_service.prepare_tenant('${schema}', '${role}')`,
    `SET LOCAL search_path TO ${schema}`,
    `SET LOCAL ROLE ${role}`,
  ].join(';\n');
}

/** After the DDL: who it ran as (must still be the tenant's role), then back to the service's role. */
export const LEAVE_TENANT_ROLE_SQL = 'SELECT current_user AS role; RESET ROLE';

/**
 * After the DDL, in one round trip: note who it ran as, back to the service's role, the record's
 * success (finish_attempt checks both) and COMMIT: finish_attempt's row is the last but one result.
 */
export function finishAndCommitSql(migrationId: string, details: string, tenantRole: string, escapeLiteral: (value: string) => string): string {
  return [
    `SELECT pg_catalog.set_config('bss.ddl_role', current_user, true)`,
    'RESET ROLE',
    `SELECT ended, waiting FROM business_store_service.finish_attempt(${escapeLiteral(migrationId)}, ${escapeLiteral(details)}, ${escapeLiteral(tenantRole)})`,
    'COMMIT',
  ].join(';\n');
}

/**
 * Joins SQL texts into one simple-protocol query. The newline before each semicolon keeps it
 * out of a statement's trailing line comment.
 */
export function joinStatements(texts: string[]): string {
  return texts.join('\n;\n');
}

/**
 * Inlines `$n` parameters as escaped literals, so that a statement can share one round trip
 * with others (the simple query protocol takes no parameters).
 */
export function inlineParams(sql: string, values: string[], escapeLiteral: (value: string) => string): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => escapeLiteral(values[Number(n) - 1]));
}
