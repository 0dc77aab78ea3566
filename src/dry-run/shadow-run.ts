import type pg from 'pg';
import { beginSql, tenantSessionSql, trustedSettingsSql } from '../apply/apply.sql.js';
import type { TenantRun } from '../apply/apply.types.js';
import type { Timeouts } from '../apply/ddl-session.js';
import { type ApplyStep, describeFault } from '../apply/fault-policy.js';
import { inScratch } from '../replay/replay-statements.js';
import type { Scratch } from '../replay/replay.service.js';
import { CAPTURE_SQL } from './dry-run.sql.js';
import type { HeldLock, RanStatement } from './lock-report.js';

interface Captured {
  locks: HeldLock[];
  tables: { oid: number; relation: string; filenode: number }[];
}

/** One statement of a run, as a dry run reports it (locks as pg_locks names them). */
export interface StatementRun extends RanStatement {
  text: string;
  duration_ms: number;
  rewrites: string[];
}

export interface RunOutcome {
  would: 'success' | 'failed' | 'unknown';
  details: string;
  statements: StatementRun[];
  /** When the run's transaction ended (ms into the run): every lock was held until then. */
  endedMs: number;
}

export async function capture(client: pg.ClientBase, schema: string): Promise<Captured> {
  return (await client.query<Captured>(CAPTURE_SQL, [schema])).rows[0];
}

/** Tables that existed before the statement and whose storage it replaced. */
export function rewritten(before: Captured, after: Captured): string[] {
  const filenodes = new Map(before.tables.map((t) => [t.oid, t.filenode]));
  return after.tables.filter((t) => filenodes.has(t.oid) && filenodes.get(t.oid) !== t.filenode).map((t) => t.relation);
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;

/**
 * The version on the shadow: a scratch schema holding what the tenant's applied versions made
 * (src/replay/), without the tenant's rows. Run twice:
 * 1. as the apply runs it, in one transaction, rolled back: whether it would succeed, what it
 *    would record, each statement's duration and the tables it rewrites;
 * 2. each statement in a transaction of its own, committed (the scratch schema is dropped after):
 *    every relation lock each statement requests, also those an earlier statement of the version
 *    already holds, which the first run cannot see (a lock already held is not taken again).
 */
export async function runOnShadow(scratch: Scratch, run: TenantRun, timeouts: Timeouts): Promise<RunOutcome> {
  const { client, schema } = scratch;
  const settings = `${beginSql(timeouts)};\n${run.policy === 'strict' ? tenantSessionSql(schema, scratch.role) : trustedSettingsSql(schema, scratch.role, true)}`;
  const statements = run.statements.map((s) => ({ statement: s, sql: s.kind === 'CreateExtensionStmt' ? '' : inScratch(s.text, run.schema, schema) }));

  // 1. The version as one transaction.
  const ran: StatementRun[] = [];
  let outcome: Pick<RunOutcome, 'would' | 'details'> = { would: 'success', details: run.details };
  const start = performance.now();
  const since = (startedMs: number) => Math.round((performance.now() - start - startedMs) * 100) / 100;
  await client.query(settings);
  let endedMs: number;
  try {
    let before = await capture(client, schema);
    for (const { statement, sql } of statements) {
      const startedMs = elapsed(start);
      try {
        // A trusted extension is the service's to install (done before): the statement is a no-op here.
        if (sql) await client.query(sql);
      } catch (error) {
        ran.push({ ordinal: statement.ordinal, text: statement.text, startedMs, duration_ms: since(startedMs), locks: [], rewrites: [] });
        const step: ApplyStep = { at: 'statement', statement, total: run.statements.length };
        outcome = { would: 'failed', details: describeFault(step, error, timeouts) };
        break;
      }
      const after = await capture(client, schema);
      ran.push({ ordinal: statement.ordinal, text: statement.text, startedMs, duration_ms: since(startedMs), locks: [], rewrites: rewritten(before, after) });
      before = after;
    }
  } finally {
    await client.query('ROLLBACK');
    endedMs = elapsed(start);
  }

  // 2. Each statement alone, for every lock it requests (up to the one that fails).
  for (const [i, { sql }] of statements.slice(0, outcome.would === 'failed' ? ran.length - 1 : ran.length).entries()) {
    await client.query(settings);
    try {
      if (sql) await client.query(sql);
      ran[i].locks = (await capture(client, schema)).locks;
      await client.query('COMMIT');
    } catch {
      // Alone, it fails where it did not in one transaction: the later statements' locks stay unknown.
      await client.query('ROLLBACK');
      break;
    }
  }
  return { ...outcome, statements: ran, endedMs };
}
