import type { MigrationStatus } from '../audit/schema-migration.entity.js';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import type { ParsedStatement } from '../ddl/parse-ddl.js';

export type ApplyOutcome =
  /** The attempt ended now; `waiting` are the tenant's other pending attempts, to wake. */
  | { kind: 'ended'; status: 'success' | 'failed'; details: string; tenantId: string; statements: number; waiting: string[] }
  /** It had ended before (a repeated delivery): nothing was done. */
  | { kind: 'already-ended'; status: MigrationStatus }
  /** The tenant is busy or the previous version is still pending: try again later. */
  | { kind: 'wait'; reason: string; tenantId: string };

/** Statements applied so far (a job's progress, docs/contract.md §5). */
export interface ApplyProgress {
  applied: number;
  total: number;
}

/** Where an attempt's progress and statement log go (its job's). */
export interface ApplyReporter {
  progress(progress: ApplyProgress): void;
  log(line: string): void;
}

export interface Tries {
  /** A transient fault now ends the attempt `failed` instead of being retried. */
  finalTry: boolean;
  /** Tries so far, this one included. */
  tries: number;
}

/** One attempt that passed every check before running anything. */
export interface TenantRun {
  migrationId: string;
  tenantId: string;
  tenantSchemaId: string;
  schema: string;
  policy: DefinitionPolicy;
  transactional: boolean;
  statements: readonly ParsedStatement[];
  /** The trusted extensions it creates anywhere in it: the service installs them first. */
  extensions: readonly string[];
  details: string;
}

export function preview(statement: ParsedStatement): string {
  const oneLine = statement.text.replace(/\s+/g, ' ');
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

/** An attempt (its migration id) that does not exist; retrying cannot help. */
export class AttemptMissingError extends Error {
  constructor(migrationId: string) {
    super(`migration '${migrationId}' not found`);
    this.name = 'AttemptMissingError';
  }
}
