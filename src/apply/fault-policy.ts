import pg from 'pg';
import type { ParsedStatement } from '../ddl/parse-ddl.js';
import { SQLSTATES } from '../database/sqlstates.js';

/**
 * Where in an attempt a fault happened: opening the tenant's session, one of its statements,
 * the record's end (finish_attempt refusing it), or COMMIT (a deferred constraint, say).
 */
export type ApplyStep =
  | { at: 'enter' }
  | { at: 'statement'; statement: ParsedStatement; total: number; stepwise?: boolean }
  | { at: 'finish' }
  | { at: 'commit' };

/** Retry the attempt later, or end its record `failed` with these details. */
export type Verdict = { retry: true } | { retry: false; details: string };

export interface TryContext {
  /** This is the attempt's last try: a transient fault ends the record too. */
  finalTry: boolean;
  /** Tries so far, this one included. */
  tries: number;
  statementTimeoutMs: number;
}

/**
 * Faults that say "try again later", not "this DDL is wrong": serialization failure, deadlock,
 * lock_timeout, server shutdown or crash, cannot connect now, resource limits, system errors.
 * Connection exceptions (class 08) and anything that is not PostgreSQL answering count too.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '57P04', '58000', '58030']);
const TRANSIENT_CLASSES = ['08', '53'];
const QUERY_CANCELED = '57014';
const INTERNAL_ERROR = 'XX000';

export function isSqlError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

/** A fault worth retrying as it is. A statement_timeout hit by the tenant's own statement is not: it stays slow. */
export function isTransient(error: unknown, step: ApplyStep): boolean {
  if (!isSqlError(error)) return true;
  const code = error.code ?? '';
  if (code === QUERY_CANCELED) return step.at !== 'statement';
  // Preparing the tenant's role collided with another transaction's change of the same catalog row.
  if (code === INTERNAL_ERROR && step.at === 'enter' && /^tuple concurrently (updated|deleted)/.test(error.message)) return true;
  return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CLASSES.some((c) => code.startsWith(c));
}

/** The one judgement of a fault: retried, or the record's `failed` details naming what really happened. */
export function judgeFault(step: ApplyStep, error: unknown, context: TryContext): Verdict {
  if (isTransient(error, step)) {
    if (!context.finalTry) return { retry: true };
    return { retry: false, details: `Gave up after ${context.tries} ${context.tries === 1 ? 'try' : 'tries'}: ${describeFault(step, error, context)}` };
  }
  return { retry: false, details: describeFault(step, error, context) };
}

const MAX_STATEMENT_CHARS = 4000;

/** What went wrong where: SQLSTATE, PostgreSQL's message, detail and hint, and the step (with the statement's ordinal and text). */
export function describeFault(step: ApplyStep, error: unknown, context: Pick<TryContext, 'statementTimeoutMs'>): string {
  if (!isSqlError(error)) return `${where(step)}: ${(error as Error).message}.`;
  const extra = [error.detail && `Detail: ${error.detail}`, error.hint && `Hint: ${error.hint}`].filter(Boolean).join(' ');
  const message = `${error.message}.${extra ? ` ${extra}` : ''}`;
  switch (step.at) {
    case 'statement': {
      const { statement, total } = step;
      const text = statement.text.length > MAX_STATEMENT_CHARS ? `${statement.text.slice(0, MAX_STATEMENT_CHARS)}… (truncated)` : statement.text;
      const timeout = error.code === QUERY_CANCELED && /statement timeout/.test(error.message) ? ` The statement_timeout is ${context.statementTimeoutMs} ms.` : '';
      const kept = step.stepwise ? ` ${stepwiseNote(statement.ordinal)}` : '';
      return `Failed at statement ${statement.ordinal} of ${total} (SQLSTATE ${error.code}): ${message}${timeout} Statement: ${text}${kept}`;
    }
    case 'commit':
      return `Failed at COMMIT (SQLSTATE ${error.code}): ${message} Raised at commit (a deferred constraint or trigger); nothing was applied.`;
    case 'finish':
      if (error.code === SQLSTATES.LEFT_TENANT_ROLE || error.code === SQLSTATES.LEFT_FORBIDDEN_STATE || error.code === SQLSTATES.NOT_THIS_SESSION) {
        return `Refused: ${error.message}; nothing was applied.`;
      }
      return `Failed at the record's end (SQLSTATE ${error.code}): ${message}`;
    case 'enter':
      return `Could not prepare the tenant's role and schema (SQLSTATE ${error.code}): ${message}`;
  }
}

/** A non-transactional definition keeps what it applied: the record says so, and where a retry goes on. */
export function stepwiseNote(ordinal: number): string {
  const kept = ordinal === 1 ? 'No statement was applied' : ordinal === 2 ? 'Statement 1 stays applied' : `Statements 1 to ${ordinal - 1} stay applied`;
  return `${kept} (the definition is not transactional); a retry continues at statement ${ordinal}.`;
}

function where(step: ApplyStep): string {
  switch (step.at) {
    case 'statement':
      return `statement ${step.statement.ordinal} of ${step.total}`;
    case 'commit':
      return 'COMMIT';
    case 'finish':
      return "the record's end";
    case 'enter':
      return "preparing the tenant's role and schema";
  }
}
