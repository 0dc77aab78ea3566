import type { ApplySessions } from '../apply/apply-sessions.js';
import type { TenantRun } from '../apply/apply.types.js';
import { type LockHolder, openDdlSession, type Timeouts } from '../apply/ddl-session.js';
import { type ApplyStep, describeFault } from '../apply/fault-policy.js';
import { firstBlocking, type HeldLock, sqlMode } from './lock-report.js';
import { capture, rewritten, type RunOutcome, type StatementRun } from './shadow-run.js';

/** What bounds a live run: how long a write-blocking lock may be held, and which locks each statement takes. */
export interface LockGuard {
  maxLockMs: number;
  /** Every lock each statement requests (from the shadow run); undefined where the shadow did not get to it. */
  locksOf(ordinal: number): readonly HeldLock[] | undefined;
  /** The tenant's relations before the run: a lock on one the version makes blocks nobody. */
  existing: ReadonlySet<string>;
}

const QUERY_CANCELED = '57014';
const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;

/** Relation locks held after the statement that were not held before it. */
function newLocks(before: readonly HeldLock[], after: readonly HeldLock[]): HeldLock[] {
  const held = new Set(before.map((l) => `${l.relation}/${l.mode}`));
  return after.filter((l) => !held.has(`${l.relation}/${l.mode}`));
}

/**
 * The version on the tenant's real relations and rows, as the apply runs it (its session, role
 * and sandbox; the caller holds the tenant's lock), rolled back. Once the version holds a lock of
 * SHARE or stronger on one of the tenant's relations, the statements run under a statement
 * timeout that ends the run when that lock has been held for max_lock_ms: `unknown`, since a real
 * apply would hold it longer.
 */
export async function runLive(holder: LockHolder, run: TenantRun, sessions: ApplySessions, timeouts: Timeouts, guard: LockGuard): Promise<RunOutcome | { refused: string }> {
  const opened = await openDdlSession(holder, run, sessions);
  if ('refused' in opened) return opened;
  const { session } = opened;
  const ran: StatementRun[] = [];
  let outcome: Pick<RunOutcome, 'would' | 'details'> = { would: 'success', details: run.details };
  let blocking: { sinceMs: number; lock: HeldLock; ordinal: number } | undefined;
  const start = performance.now();
  const since = (startedMs: number) => Math.round((performance.now() - start - startedMs) * 100) / 100;
  let endedMs: number;
  const stopped = (at: number) =>
    `Stopped at statement ${at} of ${run.statements.length}: it holds ${sqlMode(blocking!.lock.mode)} on ${blocking!.lock.relation} (taken by statement ${blocking!.ordinal}) ` +
    `for max_lock_ms (${guard.maxLockMs} ms), and a real apply would hold it longer.`;
  try {
    const prefix = await session.begin(timeouts);
    if (prefix) await session.client.query(prefix);
    let before = await capture(session.client, run.schema);
    for (const statement of run.statements) {
      const startedMs = elapsed(start);
      const requested = guard.locksOf(statement.ordinal);
      const takes = firstBlocking(requested ?? [], guard.existing);
      if (!blocking && takes) blocking = { sinceMs: startedMs, lock: takes, ordinal: statement.ordinal };
      const left = blocking ? guard.maxLockMs - (startedMs - blocking.sinceMs) : Infinity;
      if (left <= 0) {
        outcome = { would: 'unknown', details: stopped(statement.ordinal) };
        break;
      }
      const limit = Math.max(1, Math.ceil(Math.min(timeouts.statementTimeoutMs, left)));
      try {
        // A trusted extension is the service's to install (done before): the statement is a no-op here.
        if (statement.kind !== 'CreateExtensionStmt') await session.client.query(`SET LOCAL statement_timeout = ${limit};\n${statement.text}`);
      } catch (error) {
        ran.push({ ordinal: statement.ordinal, text: statement.text, startedMs, duration_ms: since(startedMs), locks: requested ?? [], rewrites: [] });
        const guarded = limit < timeouts.statementTimeoutMs && (error as { code?: string }).code === QUERY_CANCELED;
        const step: ApplyStep = { at: 'statement', statement, total: run.statements.length };
        outcome = guarded ? { would: 'unknown', details: stopped(statement.ordinal) } : { would: 'failed', details: describeFault(step, error, timeouts) };
        break;
      }
      const after = await capture(session.client, run.schema);
      ran.push({
        ordinal: statement.ordinal,
        text: statement.text,
        startedMs,
        duration_ms: since(startedMs),
        locks: requested ?? newLocks(before.locks, after.locks),
        rewrites: rewritten(before, after),
      });
      before = after;
    }
  } finally {
    await session.client.query('ROLLBACK').catch(() => (holder.broken = true));
    endedMs = elapsed(start);
    await session.close();
  }
  return { ...outcome, statements: ran, endedMs };
}
