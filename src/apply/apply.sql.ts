/*
 * The apply's round trips, in the order it runs them (apply-attempt.usecase.ts): transactions,
 * timeouts, entering the tenant, apply sessions. The statements that read and write the attempt
 * itself (claim, end, finish) are the audit log's (src/audit/attempts.sql.ts); they are composed here.
 */
import { claimStatement, endStatement, finishStatement, gateFinishStatement } from '../audit/attempts.sql.js';
import { SQLSTATES } from '../database/sqlstates.js';
import { EXTENSION_SCHEMA } from '../ddl/policy.js';

type Escape = (value: string) => string;

/** Opens a transaction with the apply's timeouts (the first statements of a round trip). */
export function beginSql(timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  return `BEGIN;\nSET LOCAL lock_timeout = ${Math.trunc(timeouts.lockTimeoutMs)};\nSET LOCAL statement_timeout = ${Math.trunc(timeouts.statementTimeoutMs)}`;
}

/**
 * The attempt's first round trip: its transaction opened with its timeouts, the tenant's lock
 * tried at session level (it outlives a ROLLBACK), where the tenant's versions stand, and, for a
 * strict attempt that may run, the tenant entered (its role and schema made on first use, the
 * connection made a member of the role). The claim is the fourth result. See claim_attempt.
 */
export function claimSql(migrationId: string, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }, escapeLiteral: Escape): string {
  return `${beginSql(timeouts)};\n${claimStatement(escapeLiteral(migrationId))}`;
}
export const CLAIM_RESULT = 3;

/** Unqualified names resolve in the tenant's schema, and the transaction runs as `roleSql` (noted for finish_attempt). */
function tenantSettingsSql(schema: string, roleSql: string): string {
  return `SELECT pg_catalog.set_config('search_path', '${schema}, ${EXTENSION_SCHEMA}', true),
            pg_catalog.set_config('role', pg_catalog.set_config('bss.tenant_role', ${roleSql}, true), true)`;
}

/** The tenant's session inside a transaction that has entered it already, as `role`. */
export function tenantSessionSql(schema: string, role: string): string {
  return tenantSettingsSql(schema, `'${role}'`);
}

export function releaseSql(tenantId: string): string {
  return `SELECT business_store_service.release_tenant('${tenantId}')`;
}

/** SQLSTATEs of finish_attempt: the DDL left the tenant's role; the attempt was no longer pending. */
export const FINISH_SQLSTATES: ReadonlySet<string> = new Set([SQLSTATES.LEFT_TENANT_ROLE, SQLSTATES.NO_LONGER_PENDING]);

/**
 * Opens the attempt's transaction with its timeouts, then the tenant's session: its role and
 * schema (created on first use, inside this transaction, so a failed first attempt leaves
 * neither), unqualified names resolving there, and the tenant's role, which reaches nothing else.
 */
export function enterTenantSql(tenantId: string, schema: string, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  return `${beginSql(timeouts)};\n${tenantSettingsSql(schema, `business_store_service.enter_tenant('${tenantId}')`)}`;
}

/**
 * After the DDL, in one round trip: the deferred constraints checked now, still as the tenant's
 * role (what COMMIT would raise, raised here, with the tenant's view of the failing key); who it
 * ran as; back to the service's role, which stops being a member of the tenant's role; the
 * record's success (finish_attempt checks both); COMMIT;
 * and the tenant's lock released. With the deferred checks done, COMMIT itself can only fail for
 * reasons that are retried. If anything fails, the release does not run: the failure is recorded
 * under the lock first.
 */
export function finishSql(migrationId: string, tenantId: string, details: string, release: string, escapeLiteral: Escape): string {
  return [
    'SET CONSTRAINTS ALL IMMEDIATE',
    `SELECT pg_catalog.set_config('bss.ddl_role', current_user, true)`,
    'RESET ROLE',
    `SELECT business_store_service.leave_tenant('${tenantId}')`,
    finishStatement(escapeLiteral(migrationId), escapeLiteral(details)),
    'COMMIT',
    release,
  ].join(';\n');
}
/** Where finishSql's result (ended, waiting) is. */
export const FINISH_RESULT = 4;

/** Ends the attempt (after ROLLBACK, still under the session lock) and releases the lock, in one round trip. */
export function endAndReleaseSql(migrationId: string, status: 'success' | 'failed', details: string, release: string, escapeLiteral: Escape): string {
  return [endStatement(escapeLiteral(migrationId), status, escapeLiteral(details)), release].join(';\n');
}

// ---- trusted definitions: an apply session lent the tenant's role (apply-sessions.ts, ddl-session.ts) ---

/** A new apply session role, LOGIN with this verifier's secret until closed (p_drop false) once connected. */
export const OPEN_APPLY_SESSION_SQL = 'SELECT business_store_service.open_apply_session($1) AS role';
/** $2 false: the role logs in no more; true: its connection has ended, the role goes. */
export const CLOSE_APPLY_SESSION_SQL = 'SELECT business_store_service.close_apply_session($1, $2)';
/** Provisions the tenant and lends the session its role (and no other) for one attempt; returns the role. */
export function lendTenantSql(tenantId: string, session: string, escapeLiteral: Escape): string {
  return `SELECT business_store_service.lend_tenant(${escapeLiteral(tenantId)}, ${escapeLiteral(session)}) AS role`;
}
/** Takes back the role lent to the session (the gate does it in the transaction that records success). */
export const RECLAIM_TENANT_SQL = 'SELECT business_store_service.reclaim_tenant($1)';
/** Installs a trusted extension into bss_extensions once per database; returns the schema it lives in. */
export const INSTALL_EXTENSION_SQL = 'SELECT business_store_service.install_extension($1) AS schema';

/**
 * Between two attempts on one apply session: whatever the last tenant's DDL could leave in the
 * session is gone (an open transaction, cursors, settings (the role too), prepared statements,
 * LISTEN, advisory locks, sequence state, temporary objects). DISCARD ALL does the same and also
 * drops every cached plan, which the next tenant's statements, of other objects and another
 * search_path, would not reuse anyway; it cannot share a round trip.
 */
export const RESET_APPLY_SESSION_SQL =
  'ROLLBACK; CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_catalog.pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP';

/**
 * Where a trusted DDL resolves names: its schema first, then bss_catalog, whose views show the
 * catalogs as if the tenant were alone in the database (db/catalog/bss_catalog.sql), then
 * PostgreSQL's own and the trusted extensions.
 */
export const trustedSearchPath = (schema: string) => `${schema}, bss_catalog, pg_catalog, ${EXTENSION_SCHEMA}`;

/** The apply session acts as the tenant (`local`: for this transaction only; else for the session). */
export function trustedSettingsSql(schema: string, role: string, local: boolean): string {
  return `SELECT pg_catalog.set_config('search_path', '${trustedSearchPath(schema)}', ${local}), pg_catalog.set_config('role', '${role}', ${local})`;
}

/**
 * A non-transactional definition's session settings (select list items, after trustedSettingsSql):
 * its timeouts for each statement, and a check every second that its client is still there, so
 * that a killed worker's statement ends soon.
 */
export function stepwiseSettingsSql(timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  return [
    `pg_catalog.set_config('lock_timeout', '${Math.trunc(timeouts.lockTimeoutMs)}', false)`,
    `pg_catalog.set_config('statement_timeout', '${Math.trunc(timeouts.statementTimeoutMs)}', false)`,
    `pg_catalog.set_config('client_connection_check_interval', '1000', false)`,
  ].join(', ');
}

/** SQLSTATEs of the gate refusing the attempt's end (as opposed to the deferred checks or COMMIT failing). */
export const GATE_FINISH_SQLSTATES: ReadonlySet<string> = new Set([
  SQLSTATES.LEFT_TENANT_ROLE,
  SQLSTATES.LEFT_FORBIDDEN_STATE,
  SQLSTATES.NO_LONGER_PENDING,
  SQLSTATES.NOT_THIS_SESSION,
]);

/** In the apply session: the deferred checks, the attempt's success through the gate, COMMIT. */
export function gateFinishSql(migrationId: string, details: string, escapeLiteral: Escape): string {
  return ['SET CONSTRAINTS ALL IMMEDIATE', gateFinishStatement(escapeLiteral(migrationId), escapeLiteral(details)), 'COMMIT'].join(';\n');
}

// ---- non-transactional definitions (stepwise-run.ts) --------------------------------------------

export const PROGRESS_SQL = `
WITH ensured AS (
  INSERT INTO business_store_service.definition_progress (tenant_schema_id) VALUES ($1)
  ON CONFLICT (tenant_schema_id) DO NOTHING
  RETURNING next_statement, started_statement
)
SELECT next_statement, started_statement FROM ensured
UNION ALL
SELECT next_statement, started_statement FROM business_store_service.definition_progress WHERE tenant_schema_id = $1`;

export const MARK_STARTED_SQL = `
UPDATE business_store_service.definition_progress SET started_statement = $2, updated_at = clock_timestamp()
WHERE tenant_schema_id = $1`;

/** In the apply session: a statement done, in the statement's own transaction where it has one. */
export const STATEMENT_DONE_SQL = 'SELECT bss_gate.statement_done($1, $2)';

/** In the apply session: an index of the tenant's schema by name, and whether it is valid (an interrupted CONCURRENTLY build is not). */
export const INDEX_STATE_SQL = `
SELECT i.indisvalid AS valid FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2`;
