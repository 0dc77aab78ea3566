import pg from 'pg';
import type { ParsedStatement } from '../ddl/parse-ddl.js';
import { type ApplyStep, describeFault, isTransient, judgeFault } from './fault-policy.js';

function sqlError(code: string, message: string, extra: Partial<pg.DatabaseError> = {}): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code, ...extra });
}

const statement = { ordinal: 2, kind: 'AlterTableStmt', text: 'ALTER TABLE t ADD COLUMN c int', node: {} } as unknown as ParsedStatement;
const atStatement: ApplyStep = { at: 'statement', statement, total: 3 };
const context = { finalTry: false, tries: 1, statementTimeoutMs: 60000 };

describe('which faults are retried', () => {
  it.each([
    ['55P03', 'lock timeout'],
    ['40P01', 'deadlock'],
    ['40001', 'serialization failure'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['08006', 'connection failure'],
    ['53300', 'too many connections'],
  ])('retries SQLSTATE %s (%s) wherever it happens', (code) => {
    for (const step of [atStatement, { at: 'enter' }, { at: 'finish' }, { at: 'commit' }] as ApplyStep[]) {
      expect(isTransient(sqlError(code, 'x'), step)).toBe(true);
      expect(judgeFault(step, sqlError(code, 'x'), context)).toEqual({ retry: true });
    }
  });

  it("retries a catalog row changed under the preparation of the tenant's role, and nothing else of XX000", () => {
    expect(isTransient(sqlError('XX000', 'tuple concurrently deleted'), { at: 'enter' })).toBe(true);
    expect(isTransient(sqlError('XX000', 'tuple concurrently updated'), { at: 'enter' })).toBe(true);
    expect(isTransient(sqlError('XX000', 'tuple concurrently updated'), atStatement)).toBe(false);
    expect(isTransient(sqlError('XX000', 'cache lookup failed for relation 1'), { at: 'enter' })).toBe(false);
  });

  it('retries a lost connection (an error that is not PostgreSQL answering)', () => {
    expect(judgeFault(atStatement, new Error('Connection terminated unexpectedly'), context)).toEqual({ retry: true });
  });

  it("does not retry a statement_timeout hit by the tenant's own statement, and names the statement and the timeout", () => {
    const timeout = sqlError('57014', 'canceling statement due to statement timeout');
    expect(judgeFault(atStatement, timeout, context)).toEqual({
      retry: false,
      details:
        'Failed at statement 2 of 3 (SQLSTATE 57014): canceling statement due to statement timeout. The statement_timeout is 60000 ms. Statement: ALTER TABLE t ADD COLUMN c int',
    });
    // The service's own SQL being cancelled is not the DDL's fault.
    expect(judgeFault({ at: 'enter' }, timeout, context)).toEqual({ retry: true });
  });

  it.each([
    ['42P01', 'relation "x" does not exist'],
    ['42601', 'syntax error'],
    ['23505', 'duplicate key value violates unique constraint "t_pkey"'],
    ['42501', 'permission denied for schema public'],
  ])('does not retry SQLSTATE %s', (code, message) => {
    expect(judgeFault(atStatement, sqlError(code, message), context)).toEqual({
      retry: false,
      details: `Failed at statement 2 of 3 (SQLSTATE ${code}): ${message}. Statement: ALTER TABLE t ADD COLUMN c int`,
    });
  });

  it('ends an error at COMMIT at once, saying it was raised at commit, with the constraint in the message', () => {
    const fk = sqlError('23503', 'insert or update on table "c" violates foreign key constraint "c_p_id_fkey"', {
      detail: 'Key (p_id)=(1) is not present in table "p".',
    });
    expect(judgeFault({ at: 'commit' }, fk, context)).toEqual({
      retry: false,
      details:
        'Failed at COMMIT (SQLSTATE 23503): insert or update on table "c" violates foreign key constraint "c_p_id_fkey". Detail: Key (p_id)=(1) is not present in table "p". Raised at commit (a deferred constraint or trigger); nothing was applied.',
    });
  });

  it('on the last try names the last real fault, with the number of tries', () => {
    const lock = sqlError('55P03', 'canceling statement due to lock timeout');
    expect(judgeFault(atStatement, lock, { ...context, finalTry: true, tries: 8 })).toEqual({
      retry: false,
      details: 'Gave up after 8 tries: Failed at statement 2 of 3 (SQLSTATE 55P03): canceling statement due to lock timeout. Statement: ALTER TABLE t ADD COLUMN c int',
    });
    expect(judgeFault({ at: 'commit' }, new Error('Connection terminated unexpectedly'), { ...context, finalTry: true, tries: 1 })).toEqual({
      retry: false,
      details: 'Gave up after 1 try: COMMIT: Connection terminated unexpectedly.',
    });
  });

  it('says the DDL left its role when finish_attempt refuses it', () => {
    expect(describeFault({ at: 'finish' }, sqlError('BSS01', 'the DDL ran as role postgres, not bss_tenant_x'), context)).toBe(
      'Refused: the DDL ran as role postgres, not bss_tenant_x; nothing was applied.',
    );
  });

  it('truncates a very long statement in the details', () => {
    const long = { ...statement, text: `INSERT INTO t VALUES ${'(1),'.repeat(2000)}(1)` };
    const details = describeFault({ at: 'statement', statement: long, total: 1 }, sqlError('22003', 'out of range'), context);
    expect(details.endsWith('… (truncated)')).toBe(true);
    expect(details.length).toBeLessThan(4200);
  });
});
