import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { MigrationStatus } from '../audit/schema-migration.entity.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { checkAllowed, DdlRejectedError, TooManyStatementsError } from '../ddl/allow-list.js';
import { parseDdlCached } from '../ddl/parse-cache.js';
import type { ParsedStatement } from '../ddl/parse-ddl.js';
import { summarize } from '../ddl/summary.js';
import { tenantSchemaName } from '../ddl/tenant-schema-name.js';
import { failureDetails, isSqlError, isTransient, MigrationRecordMissingError } from './apply-errors.js';
import {
  ATTEMPT_READY_SQL,
  BEGIN_ATTEMPT_SQL,
  END_ATTEMPT_SQL,
  finishAndCommitSql,
  GIVE_UP_LOCK_SQL,
  LEAVE_TENANT_ROLE_SQL,
  inlineParams,
  enterTenantSql,
  joinStatements,
  savepointSql,
  tenantRoleName,
} from './apply.sql.js';
import type { ApplyProgress } from './schema-apply.queue.js';

export type ApplyOutcome =
  /** The attempt ended now; `waiting` are the tenant's other pending attempts, to wake. */
  | { kind: 'ended'; status: 'success' | 'failed'; details: string; tenantId: string; statements: number; waiting: string[] }
  /** It had ended before (a repeated delivery): nothing was done. */
  | { kind: 'already-ended'; status: MigrationStatus }
  /** The tenant is busy or the previous version is still pending: try again later. */
  | { kind: 'wait'; reason: string; tenantId: string };

export interface ApplyReporter {
  progress(progress: ApplyProgress): void;
  log(line: string): void;
}

interface EndRow {
  ended: number;
  waiting: string[];
}

/** What one attempt applies, once the checks before running anything have passed. */
interface TenantRun {
  migrationId: string;
  tenantId: string;
  schema: string;
  statements: ParsedStatement[];
  details: string;
}

/** The attempt, whether its tenant's lock was taken, and (only then meaningful) where the tenant stands. */
interface BegunAttempt {
  tenant_id: string;
  version_applied: number;
  ddl: string;
  locked: boolean;
  status: MigrationStatus;
  current_version: number;
  previous_pending: boolean;
}

/**
 * Applies one attempt on a connection of its own, in one transaction: tenant lock, re-check,
 * version order, the statements one by one, and the record's end, committed together.
 */
@Injectable()
export class ApplyService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `finalTry`: a transient fault now ends the record `failed` instead of being retried. */
  async apply(migrationId: string, reporter: ApplyReporter, finalTry: boolean): Promise<ApplyOutcome> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      // BEGIN, the lock and the state read under it, in one round trip.
      const [, begun] = (await client.query(
        `BEGIN; ${inlineParams(BEGIN_ATTEMPT_SQL, [migrationId], (v) => client.escapeLiteral(v))}`,
      )) as unknown as pg.QueryResult<BegunAttempt>[];
      const attempt = begun.rows[0];
      if (!attempt) throw new MigrationRecordMissingError(migrationId);
      const { outcome, committed } = await this.applyInTransaction(client, migrationId, attempt, reporter, finalTry);
      if (!committed) await client.query(outcome.kind === 'ended' ? 'COMMIT' : 'ROLLBACK');
      return outcome;
    } catch (error) {
      broken = !isSqlError(error);
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      // A connection in an unknown state is discarded, not reused.
      client.release(broken);
    }
  }

  /** For a parked attempt: whether what it waited for is over (the lock is only probed, not kept). */
  async isReady(migrationId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ ready: boolean }>(ATTEMPT_READY_SQL, [migrationId]);
    return rows[0]?.ready ?? true;
  }

  /** Ends a pending attempt `failed` when its tries are used up for a reason outside the DDL. */
  async giveUp(migrationId: string, reason: string): Promise<ApplyOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const attempt = (await client.query<{ tenant_id: string }>(GIVE_UP_LOCK_SQL, [migrationId])).rows[0];
      if (!attempt) throw new MigrationRecordMissingError(migrationId);
      const { rows } = await client.query<EndRow>(END_ATTEMPT_SQL, [migrationId, 'failed', reason]);
      await client.query('COMMIT');
      return rows[0].ended === 1
        ? { kind: 'ended', status: 'failed', details: reason, tenantId: attempt.tenant_id, statements: 0, waiting: rows[0].waiting }
        : { kind: 'already-ended', status: 'failed' };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async applyInTransaction(
    client: pg.PoolClient,
    migrationId: string,
    attempt: BegunAttempt,
    reporter: ApplyReporter,
    finalTry: boolean,
  ): Promise<{ outcome: ApplyOutcome; committed: boolean }> {
    const notCommitted = (outcome: ApplyOutcome) => ({ outcome, committed: false });
    if (!attempt.locked) {
      return notCommitted({ kind: 'wait', reason: `tenant ${attempt.tenant_id} has another attempt running`, tenantId: attempt.tenant_id });
    }
    if (attempt.status !== 'pending') return notCommitted({ kind: 'already-ended', status: attempt.status });

    const version = attempt.version_applied;
    const current = attempt.current_version;
    if (current >= version) {
      return notCommitted(await this.end(client, migrationId, attempt.tenant_id, 'failed', `Version ${version} is already applied (current version ${current}).`));
    }
    if (current < version - 1) {
      if (attempt.previous_pending) return notCommitted({ kind: 'wait', reason: `version ${version - 1} is still pending`, tenantId: attempt.tenant_id });
      const missing = `Version ${version} applies only on top of version ${version - 1}, which is neither applied nor pending (current version ${current}).`;
      return notCommitted(await this.end(client, migrationId, attempt.tenant_id, 'failed', missing));
    }

    const statements = await parseDdlCached(attempt.ddl);
    const schema = tenantSchemaName(attempt.tenant_id);
    try {
      // Again at apply time: a definition may have been stored by other means than the API.
      checkAllowed(statements, schema);
    } catch (error) {
      if (!(error instanceof DdlRejectedError || error instanceof TooManyStatementsError)) throw error;
      return notCommitted(await this.end(client, migrationId, attempt.tenant_id, 'failed', `Refused before running anything: ${error.message}.`));
    }
    const run: TenantRun = { migrationId, tenantId: attempt.tenant_id, schema, statements, details: summarize(version, statements) };
    const outcome = await this.applyFast(client, run, reporter, finalTry);
    if (outcome) return { outcome, committed: true };
    // Something failed on the fast path. Back to the savepoint, and once more statement by
    // statement, to tell which statement failed and why.
    await client.query('ROLLBACK TO SAVEPOINT tenant_ddl');
    return notCommitted(await this.applyStepByStep(client, run, reporter, finalTry));
  }

  /**
   * The usual case, in as few round trips as keep per-statement progress: the savepoint and the
   * tenant's session ride with the first statement, the record's success and COMMIT with the
   * last. Undefined if PostgreSQL refused anything: the caller goes back to the savepoint.
   * A transient fault is retried as it is, unless this is the last try.
   */
  private async applyFast(client: pg.PoolClient, run: TenantRun, reporter: ApplyReporter, finalTry: boolean): Promise<ApplyOutcome | undefined> {
    const { statements } = run;
    const literal = (value: string) => client.escapeLiteral(value);
    let results: pg.QueryResult[] = [];
    for (const statement of statements) {
      const first = statement.ordinal === 1;
      const last = statement.ordinal === statements.length;
      const sql = joinStatements([
        ...(first ? [savepointSql(this.config.apply), enterTenantSql(run.schema)] : []),
        statement.text,
        ...(last ? [finishAndCommitSql(run.migrationId, run.details, tenantRoleName(run.schema), literal)] : []),
      ]);
      try {
        const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
        results = Array.isArray(result) ? result : [result];
      } catch (error) {
        if (!isSqlError(error) || (isTransient(error) && !finalTry)) throw error;
        return undefined;
      }
      reporter.progress({ applied: statement.ordinal, total: statements.length });
    }
    for (const statement of statements) reporter.log(`statement ${statement.ordinal} of ${statements.length} applied: ${preview(statement)}`);
    const finished = results.at(-2)!.rows[0] as EndRow; // finish_attempt's row, just before COMMIT's
    return { kind: 'ended', status: 'success', details: run.details, tenantId: run.tenantId, statements: statements.length, waiting: finished.waiting };
  }

  /** Statement by statement, each in a round trip of its own, inside the savepoint; the caller commits. */
  private async applyStepByStep(client: pg.PoolClient, run: TenantRun, reporter: ApplyReporter, finalTry: boolean): Promise<ApplyOutcome> {
    const { migrationId, tenantId, schema, statements } = run;
    await client.query(enterTenantSql(schema));
    for (const statement of statements) {
      try {
        await client.query(statement.text);
      } catch (error) {
        if (!isSqlError(error) || (isTransient(error) && !finalTry)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT tenant_ddl');
        reporter.log(`statement ${statement.ordinal} of ${statements.length} failed: SQLSTATE ${error.code} ${error.message}`);
        return this.end(client, migrationId, tenantId, 'failed', failureDetails(error, statement, statements.length));
      }
      reporter.log(`statement ${statement.ordinal} of ${statements.length} applied: ${preview(statement)}`);
      reporter.progress({ applied: statement.ordinal, total: statements.length });
    }
    // Back to the service's role and the record's success in one round trip; if the DDL had
    // switched roles, the savepoint takes both back and the attempt fails instead.
    const [who, , ended] = (await client.query(
      `${LEAVE_TENANT_ROLE_SQL}; ${inlineParams(END_ATTEMPT_SQL, [migrationId, 'success', run.details], (v) => client.escapeLiteral(v))}`,
    )) as unknown as pg.QueryResult[];
    if (who.rows[0].role !== tenantRoleName(schema)) {
      await client.query('ROLLBACK TO SAVEPOINT tenant_ddl');
      const refused = `Refused: the DDL switched the session to role '${who.rows[0].role}'; nothing was applied.`;
      return this.end(client, migrationId, tenantId, 'failed', refused);
    }
    return this.ended(migrationId, tenantId, 'success', run.details, statements.length, ended.rows[0]);
  }

  private async end(
    client: pg.PoolClient,
    migrationId: string,
    tenantId: string,
    status: 'success' | 'failed',
    details: string,
    statements = 0,
  ): Promise<ApplyOutcome> {
    const { rows } = await client.query<EndRow>(END_ATTEMPT_SQL, [migrationId, status, details]);
    return this.ended(migrationId, tenantId, status, details, statements, rows[0]);
  }

  private ended(migrationId: string, tenantId: string, status: 'success' | 'failed', details: string, statements: number, row: EndRow): ApplyOutcome {
    // Under the tenant lock nothing else ends this record; if something did, commit nothing.
    if (row.ended !== 1) throw new Error(`migration ${migrationId} was ended by someone else while applying`);
    return { kind: 'ended', status, details, tenantId, statements, waiting: row.waiting };
  }
}

function preview(statement: ParsedStatement): string {
  const oneLine = statement.text.replace(/\s+/g, ' ');
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
