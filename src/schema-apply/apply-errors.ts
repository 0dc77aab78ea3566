import pg from 'pg';
import type { ParsedStatement } from '../ddl/parse-ddl.js';

/**
 * SQLSTATEs that say "try again later", not "this DDL is wrong": serialization failure,
 * deadlock, lock_timeout, statement_timeout/cancel, server shutdown, resource limits.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '53000', '53100', '53200', '53300', '53400', '58000', '58030']);

export function isSqlError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

/** Transient: worth retrying with backoff. Anything that is not PostgreSQL rejecting the SQL counts, e.g. a lost connection. */
export function isTransient(error: unknown): boolean {
  if (!isSqlError(error)) return true;
  return TRANSIENT_SQLSTATES.has(error.code ?? '') || (error.code ?? '').startsWith('08');
}

const MAX_STATEMENT_CHARS = 4000;

/** The record's details for a statement PostgreSQL refused: SQLSTATE, message, ordinal and text. */
export function failureDetails(error: pg.DatabaseError, statement: ParsedStatement, total: number): string {
  const text =
    statement.text.length > MAX_STATEMENT_CHARS ? `${statement.text.slice(0, MAX_STATEMENT_CHARS)}… (truncated)` : statement.text;
  const extra = [error.detail && `Detail: ${error.detail}`, error.hint && `Hint: ${error.hint}`].filter(Boolean).join(' ');
  return `Failed at statement ${statement.ordinal} of ${total} (SQLSTATE ${error.code}): ${error.message}.${extra ? ` ${extra}` : ''} Statement: ${text}`;
}

/** A job names a migration record that does not exist; retrying cannot help. */
export class MigrationRecordMissingError extends Error {
  constructor(migrationId: string) {
    super(`migration '${migrationId}' not found`);
    this.name = 'MigrationRecordMissingError';
  }
}
