import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { MigrationStatus } from '../audit/schema-migration.entity.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { TrustedExtensions } from '../database/trusted-extensions.js';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import { type ApplyStep, isSqlError, judgeFault, MigrationRecordMissingError } from './apply-errors.js';
import { ApplySessions } from './apply-sessions.js';
import { checkBeforeRunning } from './attempt-checks.js';
import {
  ATTEMPT_READY_SQL,
  CLAIM_RESULT,
  claimSql,
  EARLIER_SESSION_RUNNING,
  END_ATTEMPT_SQL,
  endAndReleaseSql,
  GIVE_UP_LOCK_SQL,
  NO_LONGER_PENDING,
  RECORD_STATUS_SQL,
} from './apply.sql.js';
import { type DdlSession, type EndRow, LockHolder, openDdlSession, type TrustedSession } from './ddl-session.js';
import type { ApplyOutcome, ApplyReporter, TenantRun, Tries } from './apply.types.js';
import { preview } from './apply.types.js';
import { runStepwise } from './stepwise-apply.js';

/** The attempt, whether its tenant's lock was taken, and (only then meaningful) where the tenant stands. */
interface ClaimedAttempt {
  tenant_id: string;
  tenant_schema_id: string;
  version_applied: number;
  ddl: string;
  policy: DefinitionPolicy;
  transactional: boolean;
  locked: boolean;
  status: MigrationStatus;
  current_version: number;
  previous_pending: boolean;
  /** Set when the claim entered the tenant (a strict attempt that may run). */
  tenant_role: string | null;
}

/**
 * Applies one attempt on a connection of its own, which holds the tenant's lock at session level
 * from the claim to the end. The DDL runs on that connection under the tenant's role (strict), or
 * in a session of the tenant's own role (trusted). Every fault of a transactional version (a
 * statement, the record's end, the deferred checks or COMMIT) is handled once, in onFault:
 * ROLLBACK, then retry later or record `failed`, still under the lock. Success commits with the DDL.
 */
@Injectable()
export class ApplyService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: ApplySessions,
    private readonly trustedExtensions: TrustedExtensions,
  ) {}

  /** Throws for a fault to retry (the lock is released first). */
  async apply(migrationId: string, reporter: ApplyReporter, finalTry: boolean, tries = 1): Promise<ApplyOutcome> {
    const holder = new LockHolder(await this.pool.connect());
    try {
      const results = (await holder.client.query(claimSql(migrationId, this.config.apply, (v) => holder.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
      const claim = results[CLAIM_RESULT].rows[0] as ClaimedAttempt | undefined;
      if (claim?.locked) holder.locked = claim.tenant_id;
      const checked = claim?.locked && claim.status === 'pending' ? await this.check(migrationId, claim) : undefined;
      // The claim's transaction goes on for an attempt that runs: a strict one has entered the tenant
      // in it; a trusted one ends it in the round trip that lends the tenant to an apply session.
      holder.claimOpen = true;
      if (checked?.kind !== 'run') await holder.rollback();
      if (!claim) throw new MigrationRecordMissingError(migrationId);
      if (!claim.locked) return { kind: 'wait', reason: `tenant ${claim.tenant_id} has another attempt running`, tenantId: claim.tenant_id };
      if (!checked) return { kind: 'already-ended', status: claim.status };
      if (checked.kind === 'wait') return { kind: 'wait', reason: checked.reason, tenantId: claim.tenant_id };
      if (checked.kind === 'refused') return await this.endFailed(holder, migrationId, checked.details);
      return await this.run(holder, checked.run, reporter, { finalTry, tries }, claim.tenant_role ?? undefined);
    } catch (error) {
      if (!isSqlError(error) && !(error instanceof MigrationRecordMissingError)) holder.broken = true;
      throw error;
    } finally {
      await holder.close();
    }
  }

  private async check(migrationId: string, claim: ClaimedAttempt) {
    return checkBeforeRunning(
      {
        migrationId,
        tenantId: claim.tenant_id,
        tenantSchemaId: claim.tenant_schema_id,
        version: claim.version_applied,
        ddl: claim.ddl,
        policy: claim.policy,
        transactional: claim.transactional,
        currentVersion: claim.current_version,
        previousPending: claim.previous_pending,
      },
      await this.trustedExtensions.names(),
    );
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

  /**
   * Opens where the DDL runs (for strict, the claim's transaction, which has entered the tenant as
   * `enteredAs`; for trusted, the tenant's own session, extensions first), then the
   * transactional or the stepwise path.
   */
  private async run(holder: LockHolder, run: TenantRun, reporter: ApplyReporter, tries: Tries, enteredAs?: string): Promise<ApplyOutcome> {
    let session: DdlSession | undefined;
    try {
      const opened = await openDdlSession(holder, run, this.sessions, { enteredAs, stepwise: run.transactional ? undefined : this.config.apply });
      if ('refused' in opened) return await this.endFailed(holder, run.migrationId, opened.refused);
      session = opened.session;
    } catch (error) {
      if (isSqlError(error) && error.code === EARLIER_SESSION_RUNNING) return { kind: 'wait', reason: error.message, tenantId: run.tenantId };
      return this.onFault(holder, session, run, { at: 'enter' }, error, reporter, tries);
    }
    try {
      if (!run.transactional) {
        const outcome = await runStepwise({ holder, session: session as TrustedSession, run, reporter });
        await session.close(); // the session is done with the tenant before its lock is released
        if (outcome.kind === 'fault') return await this.onFault(holder, undefined, run, outcome.step, outcome.error, reporter, tries);
        return await this.endAndRelease(holder, run, 'success', run.details, run.statements.length);
      }
      return await this.runTransactional(holder, session, run, reporter, tries);
    } finally {
      await session.close();
    }
  }

  /** One transaction: enter, each statement in a round trip of its own (per-statement progress), then end and COMMIT. */
  private async runTransactional(holder: LockHolder, session: DdlSession, run: TenantRun, reporter: ApplyReporter, tries: Tries): Promise<ApplyOutcome> {
    const total = run.statements.length;
    let step: ApplyStep = { at: 'enter' };
    try {
      // Sent with the first statement: it only sets the session up, so what fails there is the statement.
      let prefix = await session.begin(this.config.apply);
      for (const statement of run.statements) {
        step = { at: 'statement', statement, total };
        // A trusted extension is the service's to install (done before): the statement is a no-op here.
        const sql = prefix + (statement.kind === 'CreateExtensionStmt' ? '' : statement.text);
        prefix = '';
        if (sql) await session.client.query(sql);
        reporter.log(`statement ${statement.ordinal} of ${total} applied: ${preview(statement)}`);
        reporter.progress({ applied: statement.ordinal, total });
      }
      step = { at: 'commit' };
      const finished = await session.commit(run.migrationId, run.details);
      return { kind: 'ended', status: 'success', details: run.details, tenantId: run.tenantId, statements: total, waiting: finished.waiting };
    } catch (error) {
      // In the last round trip, the record's end refusing is told apart by its SQLSTATEs; anything
      // else there was raised by the deferred checks or COMMIT.
      if (step.at === 'commit' && isSqlError(error) && session.finishCodes.has(error.code ?? '')) step = { at: 'finish' };
      return this.onFault(holder, session, run, step, error, reporter, tries);
    }
  }

  /** Every fault of an attempt, handled here once. */
  private async onFault(
    holder: LockHolder,
    session: DdlSession | undefined,
    run: TenantRun,
    step: ApplyStep,
    error: unknown,
    reporter: ApplyReporter,
    tries: Tries,
  ): Promise<ApplyOutcome> {
    // Not PostgreSQL answering: a connection is gone (and with the holder's, the lock).
    if (!isSqlError(error)) throw error;
    try {
      // Harmless when COMMIT itself failed and no transaction is open (PostgreSQL only warns).
      if (session) await session.client.query('ROLLBACK');
      await session?.close(); // the session is done with the tenant before its lock is released
      if (step.at === 'finish' && error.code === NO_LONGER_PENDING) {
        const status = (await holder.client.query<{ status: MigrationStatus }>(RECORD_STATUS_SQL, [run.migrationId])).rows[0]?.status;
        return { kind: 'already-ended', status: status ?? 'failed' };
      }
    } catch {
      // Clean-up failed: a connection is in doubt. Report the fault itself, never the clean-up's.
      if (session === undefined || session.client === holder.client) holder.broken = true;
      throw error;
    }
    if (step.at === 'statement') reporter.log(`statement ${step.statement.ordinal} of ${step.total} failed: SQLSTATE ${error.code} ${error.message}`);
    const verdict = judgeFault(step, error, { ...tries, statementTimeoutMs: this.config.apply.statementTimeoutMs });
    if (verdict.retry) throw error;
    return this.endFailed(holder, run.migrationId, verdict.details);
  }

  private endFailed(holder: LockHolder, migrationId: string, details: string): Promise<ApplyOutcome> {
    return this.endAndRelease(holder, { migrationId, tenantId: holder.locked! }, 'failed', details, 0);
  }

  /** Ends the attempt (no transaction is open; the session lock is held) and releases the lock. */
  private async endAndRelease(
    holder: LockHolder,
    run: Pick<TenantRun, 'migrationId' | 'tenantId'>,
    status: 'success' | 'failed',
    details: string,
    statements: number,
  ): Promise<ApplyOutcome> {
    const { client } = holder;
    const results = (await client.query(holder.afterClaim(endAndReleaseSql(run.migrationId, status, details, holder.releaseSql(), (v) => client.escapeLiteral(v))))) as unknown as pg.QueryResult<EndRow>[];
    holder.released();
    const row = results[results.length - 2].rows[0];
    if (row.ended !== 1) {
      const current = (await client.query<{ status: MigrationStatus }>(RECORD_STATUS_SQL, [run.migrationId])).rows[0]?.status ?? 'failed';
      return { kind: 'already-ended', status: current };
    }
    return { kind: 'ended', status, details, tenantId: run.tenantId, statements, waiting: row.waiting };
  }
}

export type { ApplyOutcome, ApplyReporter } from './apply.types.js';
