import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type pg from 'pg';
import { AttemptsRepository, type EndRow } from '../audit/attempts.repository.js';
import type { MigrationStatus } from '../audit/schema-migration.entity.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { SQLSTATES } from '../database/sqlstates.js';
import { TrustedExtensions } from '../database/trusted-extensions.js';
import type { DefinitionPolicy } from '../ddl/allow-list.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApplySessions } from './apply-sessions.js';
import { CLAIM_RESULT, claimSql, endAndReleaseSql } from './apply.sql.js';
import { type ApplyOutcome, type ApplyReporter, AttemptMissingError, preview, type TenantRun, type Tries } from './apply.types.js';
import { checkBeforeRunning } from './attempt-checks.js';
import { ATTEMPT_ENDED, type AttemptEnded } from './attempt-events.js';
import { type DdlSession, LockHolder, openDdlSession } from './ddl-session.js';
import { type ApplyStep, isSqlError, judgeFault } from './fault-policy.js';
import { runStepwise } from './stepwise-run.js';

/** What the use case needs of the job that carries the attempt (schema-apply/apply.processor.ts). */
export interface AttemptJob {
  /** The queue's id for the job, for the logs. */
  readonly id?: string;
  /** Tries that hit a transient fault so far. */
  readonly tries: number;
  readonly reporter: ApplyReporter;
}

/** How one try at an attempt went, for its job to end as the attempt did. */
export type AttemptResult =
  /** The attempt has ended (now, or before: a repeated delivery); `waiting` are its tenant's other pending attempts, to wake. */
  | { kind: 'ended'; status: MigrationStatus; details: string; waiting: string[] }
  /** Its tenant is busy, or its previous version is pending: try again when that is over. */
  | { kind: 'wait'; reason: string; tenantId: string }
  /** A transient fault: try again later (`tries` so far). On the last try even ending it failed could not be recorded. */
  | { kind: 'retry'; tries: number; fault: string };

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
 * One attempt's life, top to bottom (docs/contract.md §4): claim it and its tenant's lock, check
 * it, run its DDL, end it. It runs on a connection of its own (the holder), which holds the
 * tenant's lock at session level from the claim to the end. The DDL runs on that connection under
 * the tenant's role (strict) or in an apply session lent that role (trusted), in one transaction
 * or statement by statement (transactional: false).
 *
 * Every fault is judged here, once (onFault, with fault-policy.ts): ROLLBACK, then retry later or
 * end the attempt `failed`, still under the lock. Success commits with the DDL. A fault that is
 * retried on the last try ends the attempt `failed` too (giveUp). When an attempt ends, it is
 * counted, logged and announced (ATTEMPT_ENDED: a rollout that made it wakes).
 */
@Injectable()
export class ApplyAttempt {
  private readonly logger = new Logger(ApplyAttempt.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly attempts: AttemptsRepository,
    private readonly sessions: ApplySessions,
    private readonly trustedExtensions: TrustedExtensions,
    private readonly metrics: MetricsService,
    private readonly events: EventEmitter2,
  ) {}

  /** One try. Throws AttemptMissingError for an attempt that does not exist. */
  async run(migrationId: string, job: AttemptJob): Promise<AttemptResult> {
    const tries: Tries = { tries: job.tries + 1, finalTry: job.tries + 1 >= this.config.apply.maxTries };
    const stopTimer = this.metrics.applyDuration.startTimer();
    let outcome: ApplyOutcome;
    try {
      outcome = await this.attempt(migrationId, job.reporter, tries);
    } catch (error) {
      if (error instanceof AttemptMissingError || !tries.finalTry) return this.retryOrThrow(error, tries);
      // The last try could not end the attempt itself: end it failed, naming the fault.
      try {
        outcome = await this.giveUp(migrationId, `Gave up after ${tries.tries} tries: ${messageOf(error)}`);
      } catch (giveUpError) {
        // Not even that could be recorded (PostgreSQL away): try again later, naming the real fault.
        if (giveUpError instanceof AttemptMissingError) throw giveUpError;
        return this.retryOrThrow(error, tries);
      }
    }
    if (outcome.kind === 'wait') return outcome;
    if (outcome.kind === 'already-ended') {
      // A repeated delivery, or a second job for the same attempt: it ends as the attempt did.
      const row = await this.attempts.findRow(migrationId);
      if (!row) throw new AttemptMissingError(migrationId);
      return { kind: 'ended', status: row.status, details: row.details ?? '', waiting: [] };
    }
    stopTimer({ status: outcome.status });
    this.metrics.attempts.inc({ status: outcome.status });
    if (outcome.status === 'success') this.metrics.statementsApplied.inc(outcome.statements);
    this.logger.log({
      msg: `attempt ended ${outcome.status}`,
      migration_id: migrationId,
      job_id: job.id,
      tenant_id: outcome.tenantId,
      status: outcome.status,
      ...(outcome.status === 'failed' ? { details: outcome.details } : {}),
    });
    this.events.emit(ATTEMPT_ENDED, { migrationId, tenantId: outcome.tenantId, status: outcome.status } satisfies AttemptEnded);
    return { kind: 'ended', status: outcome.status, details: outcome.details, waiting: outcome.waiting };
  }

  private retryOrThrow(error: unknown, tries: Tries): AttemptResult {
    if (error instanceof AttemptMissingError) throw error;
    return { kind: 'retry', tries: tries.tries, fault: messageOf(error) };
  }

  /** Claim, check, run, end. Throws for a fault to retry (the lock is released first). */
  private async attempt(migrationId: string, reporter: ApplyReporter, tries: Tries): Promise<ApplyOutcome> {
    const holder = new LockHolder(await this.pool.connect());
    try {
      // 1. Claim: the attempt, its tenant's lock (session level), where the tenant stands.
      const results = (await holder.client.query(claimSql(migrationId, this.config.apply, (v) => holder.client.escapeLiteral(v)))) as unknown as pg.QueryResult[];
      const claim = results[CLAIM_RESULT].rows[0] as ClaimedAttempt | undefined;
      if (claim?.locked) holder.locked = claim.tenant_id;
      // 2. Check: version order, and the definition's policy again.
      const checked = claim?.locked && claim.status === 'pending' ? await this.check(migrationId, claim) : undefined;
      // The claim's transaction goes on for an attempt that runs: a strict one has entered the tenant
      // in it; a trusted one ends it in the round trip that lends the tenant to an apply session.
      holder.claimOpen = true;
      if (checked?.kind !== 'run') await holder.rollback();
      if (!claim) throw new AttemptMissingError(migrationId);
      if (!claim.locked) return { kind: 'wait', reason: `tenant ${claim.tenant_id} has another attempt running`, tenantId: claim.tenant_id };
      if (!checked) return { kind: 'already-ended', status: claim.status };
      if (checked.kind === 'wait') return { kind: 'wait', reason: checked.reason, tenantId: claim.tenant_id };
      if (checked.kind === 'refused') return await this.endFailed(holder, migrationId, checked.details);
      // 3 and 4. Run and end.
      return await this.runDdl(holder, checked.run, reporter, tries, claim.tenant_role ?? undefined);
    } catch (error) {
      if (!isSqlError(error) && !(error instanceof AttemptMissingError)) holder.broken = true;
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

  /**
   * Opens where the DDL runs (for strict, the claim's transaction, which has entered the tenant as
   * `enteredAs`; for trusted, an apply session, extensions first), then the transactional or the
   * stepwise run.
   */
  private async runDdl(holder: LockHolder, run: TenantRun, reporter: ApplyReporter, tries: Tries, enteredAs?: string): Promise<ApplyOutcome> {
    let session: DdlSession | undefined;
    try {
      const opened = await openDdlSession(holder, run, this.sessions, { enteredAs, stepwise: run.transactional ? undefined : this.config.apply });
      if ('refused' in opened) return await this.endFailed(holder, run.migrationId, opened.refused);
      session = opened.session;
    } catch (error) {
      if (isSqlError(error) && error.code === SQLSTATES.EARLIER_SESSION_RUNNING) return { kind: 'wait', reason: error.message, tenantId: run.tenantId };
      return this.onFault(holder, session, run, { at: 'enter' }, error, reporter, tries);
    }
    try {
      if (!run.transactional) {
        const outcome = await runStepwise({ holder, session, run, reporter });
        await session.close(); // the session is done with the tenant before its lock is released
        if (outcome.kind === 'fault') return await this.onFault(holder, undefined, run, outcome.step, outcome.error, reporter, tries);
        return await this.endAndRelease(holder, run, 'success', run.details, run.statements.length);
      }
      return await this.runTransactional(holder, session, run, reporter, tries);
    } finally {
      await session.close();
    }
  }

  /** One transaction: each statement in a round trip of its own (per-statement progress), then the end and COMMIT. */
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
      // In the last round trip, the end refusing the attempt is told apart by its SQLSTATEs; anything
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
      if (step.at === 'finish' && error.code === SQLSTATES.NO_LONGER_PENDING) {
        return { kind: 'already-ended', status: (await this.attempts.statusOf(run.migrationId)) ?? 'failed' };
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

  /** Ends a pending attempt `failed` when its tries are used up for a reason outside the DDL (under the tenant's lock, waited for). */
  private async giveUp(migrationId: string, reason: string): Promise<ApplyOutcome> {
    const end = await this.attempts.endWhenTenantFree(migrationId, 'failed', reason);
    if (!end) throw new AttemptMissingError(migrationId);
    return end.ended === 1
      ? { kind: 'ended', status: 'failed', details: reason, tenantId: end.tenantId, statements: 0, waiting: end.waiting }
      : { kind: 'already-ended', status: 'failed' };
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
    if (row.ended !== 1) return { kind: 'already-ended', status: (await this.attempts.statusOf(run.migrationId)) ?? 'failed' };
    return { kind: 'ended', status, details, tenantId: run.tenantId, statements, waiting: row.waiting };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
