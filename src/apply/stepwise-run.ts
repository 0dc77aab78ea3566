import type { ParsedStatement } from '../ddl/parse-ddl.js';
import { nameParts } from '../ddl/parse-tree.js';
import type { ApplyStep } from './fault-policy.js';
import { INDEX_STATE_SQL, MARK_STARTED_SQL, PROGRESS_SQL, STATEMENT_DONE_SQL } from './apply.sql.js';
import { type ApplyReporter, preview, type TenantRun } from './apply.types.js';
import type { DdlSession, LockHolder } from './ddl-session.js';

interface Progress {
  next_statement: number;
  started_statement: number | null;
}

export type StepwiseOutcome = { kind: 'done' } | { kind: 'fault'; step: ApplyStep; error: unknown };

/**
 * A non-transactional definition (`transactional: false`, trusted only): its statements run one
 * by one in the tenant's own session, outside a single transaction, still under the tenant's lock
 * (held by the holder's session). PostgreSQL keeps which statement comes next, so a retry or a
 * redelivery continues at the first statement that did not complete:
 * - a statement that can run in a transaction commits together with that progress;
 * - a CONCURRENTLY statement commits by itself: it is marked started first, and on continuation an
 *   index it left INVALID is dropped and built again, one it finished is not built twice.
 * Success is never recorded over an invalid index.
 */
export async function runStepwise(args: { holder: LockHolder; session: DdlSession; run: TenantRun; reporter: ApplyReporter }): Promise<StepwiseOutcome> {
  const { holder, session, run, reporter } = args;
  const tenant = session.client;
  const total = run.statements.length;
  const progress = (await holder.client.query<Progress>(PROGRESS_SQL, [run.tenantSchemaId])).rows[0];
  if (progress.next_statement > 1) reporter.log(`continuing at statement ${progress.next_statement} of ${total}: statements before it are applied`);
  for (const statement of run.statements.slice(progress.next_statement - 1)) {
    const step: ApplyStep = { at: 'statement', statement, total, stepwise: true };
    try {
      if (!isConcurrently(statement)) {
        // Its own transaction, with its progress: both commit or neither does.
        await tenant.query('BEGIN');
        if (statement.kind !== 'CreateExtensionStmt') await tenant.query(statement.text);
        await tenant.query(`SET CONSTRAINTS ALL IMMEDIATE; ${STATEMENT_DONE_SQL.replace('$1', tenant.escapeLiteral(run.migrationId)).replace('$2', String(statement.ordinal))}; COMMIT`);
      } else {
        // CONCURRENTLY commits by itself: mark it begun, so that a continuation can tell.
        const done = await completedBefore(args, statement, progress.started_statement === statement.ordinal);
        if (!done) {
          await holder.client.query(MARK_STARTED_SQL, [run.tenantSchemaId, statement.ordinal]);
          await tenant.query(statement.text);
        }
        await tenant.query(STATEMENT_DONE_SQL, [run.migrationId, statement.ordinal]);
      }
    } catch (error) {
      await tenant.query('ROLLBACK').catch(() => undefined);
      reporter.log(`statement ${statement.ordinal} of ${total} failed: ${(error as Error).message}`);
      return { kind: 'fault', step, error };
    }
    reporter.log(`statement ${statement.ordinal} of ${total} applied: ${preview(statement)}`);
    reporter.progress({ applied: statement.ordinal, total });
  }
  const invalid = await invalidIndexes(args);
  if (invalid.length > 0) {
    const last = run.statements[total - 1];
    const error = new Error(`index ${invalid.join(', ')} is INVALID after the definition ran`);
    return { kind: 'fault', step: { at: 'statement', statement: last, total, stepwise: true }, error };
  }
  return { kind: 'done' };
}

/**
 * Whether a CONCURRENTLY statement begun before an interruption completed: a built index that is
 * valid, or an index dropped that is gone. An INVALID index left by an interrupted build is
 * dropped here, to be built again. REINDEX simply runs again.
 */
async function completedBefore(args: { session: DdlSession; run: TenantRun; reporter: ApplyReporter }, statement: ParsedStatement, begunBefore: boolean): Promise<boolean> {
  const { session, run, reporter } = args;
  const built = concurrentIndexName(statement);
  if (built !== undefined) {
    const state = await indexState(args, built);
    if (state === 'invalid') {
      reporter.log(`statement ${statement.ordinal}: index ${built} was left INVALID by an interrupted build; dropping it to build it again`);
      await session.client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${session.client.escapeIdentifier(run.schema)}.${session.client.escapeIdentifier(built)}`);
      return false;
    }
    if (state === 'valid' && begunBefore) reporter.log(`statement ${statement.ordinal}: index ${built} was built before an interruption; not building it again`);
    return state === 'valid' && begunBefore;
  }
  if (statement.kind === 'DropStmt' && begunBefore) {
    const names = (statement.node.objects ?? []).map((o) => nameParts(o)?.at(-1));
    const states = await Promise.all(names.map((name) => (name ? indexState(args, name) : Promise.resolve('absent' as const))));
    return states.every((state) => state === 'absent');
  }
  return false;
}

/** Statements that cannot run inside a transaction block. */
function isConcurrently(statement: ParsedStatement): boolean {
  if (statement.kind === 'IndexStmt' || statement.kind === 'DropStmt') return statement.node.concurrent === true;
  if (statement.kind === 'ReindexStmt') return (statement.node.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
  return false;
}

/** The index a CREATE INDEX CONCURRENTLY names (the allow-list requires a name), else undefined. */
function concurrentIndexName(statement: ParsedStatement): string | undefined {
  if (statement.kind === 'IndexStmt' && statement.node.concurrent) return statement.node.idxname;
  return undefined;
}

async function indexState(args: { session: DdlSession; run: TenantRun }, name: string): Promise<'valid' | 'invalid' | 'absent'> {
  const row = (await args.session.client.query<{ valid: boolean }>(INDEX_STATE_SQL, [args.run.schema, name])).rows[0];
  return row === undefined ? 'absent' : row.valid ? 'valid' : 'invalid';
}

async function invalidIndexes(args: { session: DdlSession; run: TenantRun }): Promise<string[]> {
  const names = args.run.statements.flatMap((s) => concurrentIndexName(s) ?? []);
  const invalid: string[] = [];
  for (const name of names) if ((await indexState(args, name)) === 'invalid') invalid.push(name);
  return invalid;
}
