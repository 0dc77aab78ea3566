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
import { type ApplyStep, isSqlError, judgeFault, MigrationRecordMissingError } from './apply-errors.js';
import {
  ATTEMPT_READY_SQL,
  CLAIM_ATTEMPT_SQL,
  END_ATTEMPT_SQL,
  FINISH_RESULT,
  FINISH_SQLSTATES,
  endAndReleaseSql,
  enterTenantSql,
  finishSql,
  GIVE_UP_LOCK_SQL,
  NO_LONGER_PENDING,
  RECORD_STATUS_SQL,
  RELEASE_TENANT_SQL,
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

/** The attempt, whether its tenant's lock was taken, and (only then meaningful) where the tenant stands. */
interface ClaimedAttempt {
  tenant_id: string;
  version_applied: number;
  ddl: string;
  locked: boolean;
  status: MigrationStatus;
  current_version: number;
  previous_pending: boolean;
}

/** One attempt that passed every check before running anything. */
interface TenantRun {
  migrationId: string;
  tenantId: string;
  schema: string;
  statements: readonly ParsedStatement[];
  details: string;
}

/**
 * Applies one attempt on a connection of its own. The tenant's lock is held at session level
 * from the claim to the end, so every fault (a statement, the record's end, COMMIT) is handled
 * the same way, in onFault: ROLLBACK if a transaction is open, then retry later or record
 * `failed`, still under the lock. Success commits with the DDL.
 */
@Injectable()
export class ApplyService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `finalTry`: a transient fault now ends the record `failed` instead of being retried; `tries`
   * counts this one. Throws for a fault to retry (the lock is released first).
   */
  async apply(migrationId: string, reporter: ApplyReporter, finalTry: boolean, tries = 1): Promise<ApplyOutcome> {
    const session = new TenantSession(await this.pool.connect());
    try {
      const claim = (await session.client.query<ClaimedAttempt>(CLAIM_ATTEMPT_SQL, [migrationId])).rows[0];
      if (!claim) throw new MigrationRecordMissingError(migrationId);
      if (!claim.locked) return { kind: 'wait', reason: `tenant ${claim.tenant_id} has another attempt running`, tenantId: claim.tenant_id };
      session.locked = claim.tenant_id;
      const checked = await this.check(migrationId, claim);
      if (checked.kind !== 'run') return checked.kind === 'refused' ? await this.endFailed(session, migrationId, checked.details) : checked;
      return await this.run(session, checked.run, reporter, { finalTry, tries });
    } catch (error) {
      if (!isSqlError(error) && !(error instanceof MigrationRecordMissingError)) session.broken = true;
      throw error;
    } finally {
      await session.close();
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

  /** Everything decided before running anything: ended before, waits, version order, the allow-list. */
  private async check(
    migrationId: string,
    claim: ClaimedAttempt,
  ): Promise<{ kind: 'run'; run: TenantRun } | { kind: 'refused'; details: string } | Exclude<ApplyOutcome, { kind: 'ended' }>> {
    if (claim.status !== 'pending') return { kind: 'already-ended', status: claim.status };
    const version = claim.version_applied;
    const current = claim.current_version;
    if (current >= version) return { kind: 'refused', details: `Version ${version} is already applied (current version ${current}).` };
    if (current < version - 1) {
      if (claim.previous_pending) return { kind: 'wait', reason: `version ${version - 1} is still pending`, tenantId: claim.tenant_id };
      return {
        kind: 'refused',
        details: `Version ${version} applies only on top of version ${version - 1}, which is neither applied nor pending (current version ${current}).`,
      };
    }
    const statements = await parseDdlCached(claim.ddl);
    const schema = tenantSchemaName(claim.tenant_id);
    try {
      // Again at apply time: a definition may have been stored by other means than the API.
      checkAllowed(statements, schema);
    } catch (error) {
      if (!(error instanceof DdlRejectedError || error instanceof TooManyStatementsError)) throw error;
      return { kind: 'refused', details: `Refused before running anything: ${error.message}.` };
    }
    return { kind: 'run', run: { migrationId, tenantId: claim.tenant_id, schema, statements, details: summarize(version, statements) } };
  }

  /** The one path: enter the tenant's session, each statement in a round trip of its own (per-statement progress), then end and COMMIT. */
  private async run(session: TenantSession, run: TenantRun, reporter: ApplyReporter, tries: { finalTry: boolean; tries: number }): Promise<ApplyOutcome> {
    const { client } = session;
    const total = run.statements.length;
    let step: ApplyStep = { at: 'enter' };
    try {
      await client.query(enterTenantSql(run.tenantId, run.schema, this.config.apply));
      for (const statement of run.statements) {
        step = { at: 'statement', statement, total };
        await client.query(statement.text);
        reporter.log(`statement ${statement.ordinal} of ${total} applied: ${preview(statement)}`);
        reporter.progress({ applied: statement.ordinal, total });
      }
      step = { at: 'commit' };
      const results = (await client.query(finishSql(run.migrationId, run.tenantId, run.details, (v) => client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
      session.locked = undefined; // released by the same round trip, after COMMIT
      const finished = results[FINISH_RESULT].rows[0] as EndRow;
      return { kind: 'ended', status: 'success', details: run.details, tenantId: run.tenantId, statements: total, waiting: finished.waiting };
    } catch (error) {
      return this.onFault(session, run, step, error, reporter, tries);
    }
  }

  /** Every fault of an attempt, handled here once. */
  private async onFault(
    session: TenantSession,
    run: TenantRun,
    step: ApplyStep,
    error: unknown,
    reporter: ApplyReporter,
    tries: { finalTry: boolean; tries: number },
  ): Promise<ApplyOutcome> {
    const { client } = session;
    // Not PostgreSQL answering: the connection is gone, and the session lock with it.
    if (!isSqlError(error)) throw error;
    // In the last round trip, finish_attempt's own refusals are told apart by their SQLSTATEs;
    // anything else there was raised by the deferred checks or COMMIT.
    if (step.at === 'commit' && FINISH_SQLSTATES.has(error.code ?? '')) step = { at: 'finish' };
    try {
      // Harmless when COMMIT itself failed and no transaction is open (PostgreSQL only warns).
      await client.query('ROLLBACK');
      if (step.at === 'finish' && error.code === NO_LONGER_PENDING) {
        const status = (await client.query<{ status: MigrationStatus }>(RECORD_STATUS_SQL, [run.migrationId])).rows[0]?.status;
        return { kind: 'already-ended', status: status ?? 'failed' };
      }
    } catch {
      // Clean-up failed: the connection is in doubt. Report the fault itself, never the clean-up's.
      session.broken = true;
      throw error;
    }
    if (step.at === 'statement') reporter.log(`statement ${step.statement.ordinal} of ${step.total} failed: SQLSTATE ${error.code} ${error.message}`);
    const verdict = judgeFault(step, error, { ...tries, statementTimeoutMs: this.config.apply.statementTimeoutMs });
    if (verdict.retry) throw error;
    return this.endFailed(session, run.migrationId, verdict.details);
  }

  /** Ends the attempt `failed` (no transaction is open; the session lock is held) and releases the lock. */
  private async endFailed(session: TenantSession, migrationId: string, details: string): Promise<ApplyOutcome> {
    const { client } = session;
    const tenantId = session.locked!;
    const [end] = (await client.query(endAndReleaseSql(migrationId, tenantId, 'failed', details, (v) => client.escapeLiteral(v)))) as unknown as pg.QueryResult<EndRow>[];
    session.locked = undefined;
    const row = end.rows[0];
    if (row.ended !== 1) {
      const status = (await client.query<{ status: MigrationStatus }>(RECORD_STATUS_SQL, [migrationId])).rows[0]?.status ?? 'failed';
      return { kind: 'already-ended', status };
    }
    return { kind: 'ended', status: 'failed', details, tenantId, statements: 0, waiting: row.waiting };
  }
}

/** The attempt's connection and the tenant lock it holds at session level, released (or the connection discarded) at the end. */
class TenantSession {
  locked?: string;
  broken = false;

  constructor(readonly client: pg.PoolClient) {}

  async close(): Promise<void> {
    if (this.locked && !this.broken) {
      await this.client.query(RELEASE_TENANT_SQL, [this.locked]).catch(() => (this.broken = true));
    }
    // A connection in doubt is closed, not reused: closing it also frees any lock it still holds.
    this.client.release(this.broken);
  }
}

function preview(statement: ParsedStatement): string {
  const oneLine = statement.text.replace(/\s+/g, ' ');
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
