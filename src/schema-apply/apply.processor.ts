import { createHash } from 'node:crypto';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/domain-errors.js';
import { UUID_PATTERN } from '../common/uuid.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MigrationRecordMissingError } from './apply-errors.js';
import { ATTEMPT_ENDED, type AttemptEnded } from './attempt-events.js';
import { type ApplyOutcome, ApplyService } from './apply.service.js';
import { AttemptsService } from './attempts.service.js';
import { JobReporter } from './job-reporter.js';
import { type ApplyJobData, type ApplyJobResult, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';

/** A waiting attempt is re-checked this late at most; finishing its predecessor wakes it sooner. */
const WAIT_RECHECK_MS = 5000;
/** After a transient fault: 1 s, 2 s, 4 s, … and never longer than the cap. */
const BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;

/**
 * The job is the attempt (§5): it ends as the record ends. `success` completes it with
 * `{migration_id, status, details}`; `failed` fails it, once, with the record's details.
 *
 * Transient faults are retried here, not by BullMQ's `attempts` option, because a job added
 * with plain BullMQ has none: the tries so far are kept in the job's data, and the job goes
 * back to delayed with a backoff. The last try lets the apply end the record `failed`; while
 * even that cannot be recorded (PostgreSQL away), the job stays delayed, never failed, since
 * its record is still pending.
 */
@Processor(SCHEMA_APPLY_QUEUE)
export class ApplyProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApplyProcessor.name);

  constructor(
    private readonly applyService: ApplyService,
    private readonly attempts: AttemptsService,
    private readonly audit: AuditService,
    private readonly producer: SchemaApplyProducer,
    private readonly metrics: MetricsService,
    private readonly events: EventEmitter2,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap() {
    this.logger.log(`worker started: ${SCHEMA_APPLY_QUEUE} (concurrency ${this.worker.concurrency}, prefix '${this.config.queuePrefix}')`);
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${SCHEMA_APPLY_QUEUE} worker: ${error.message}`);
  }

  async process(job: Job<ApplyJobData>, token?: string): Promise<ApplyJobResult> {
    const tries = job.data.tries ?? 0;
    const finalTry = tries + 1 >= this.config.apply.maxTries;
    let migrationId: string | undefined;
    try {
      migrationId = await this.attemptOf(job);
      const stopTimer = this.metrics.applyDuration.startTimer();
      const reporter = new JobReporter(job);
      const outcome = await this.applyService.apply(migrationId, reporter, finalTry, tries + 1).finally(() => reporter.flush());
      if (outcome.kind === 'ended') stopTimer({ status: outcome.status });
      return await this.settle(job, token, migrationId, outcome);
    } catch (error) {
      if (endsTheJob(error)) throw jobEnd(error);
      if (finalTry && migrationId) {
        // The last try could not end the record itself: end it failed, naming the fault.
        try {
          const outcome = await this.applyService.giveUp(migrationId, `Gave up after ${tries + 1} tries: ${messageOf(error)}`);
          return await this.settle(job, token, migrationId, outcome);
        } catch (giveUpError) {
          if (endsTheJob(giveUpError)) throw jobEnd(giveUpError);
        }
      }
      return this.retryLater(job, token, tries + 1, error);
    }
  }

  /** The job's migration id; without one, the worker records the attempt (or finds the one it recorded). */
  private async attemptOf(job: Job<ApplyJobData>): Promise<string> {
    const given = job.data.migration_id;
    if (given !== undefined && given !== null) {
      if (typeof given !== 'string' || !UUID_PATTERN.test(given)) throw this.refuse(job, 'migration_id must be a UUID');
      return given;
    }
    const tenantSchemaId = job.data.tenant_schema_id;
    if (typeof tenantSchemaId !== 'string' || !UUID_PATTERN.test(tenantSchemaId)) throw this.refuse(job, 'tenant_schema_id must be a UUID');
    const appliedBy = typeof job.data.applied_by === 'string' ? job.data.applied_by.slice(0, 255) : null;
    if (appliedBy?.includes('\u0000')) throw this.refuse(job, 'applied_by must not contain a NUL character');
    const migrationId = migrationIdForJob(job);
    const attempt = await this.attempts.recordForJob({ tenantSchemaId, appliedBy, migrationId, jobId: job.id! });
    if (attempt.outcome === 'refused') throw this.refuse(job, attempt.message);
    if (attempt.isNew) this.logger.log({ msg: 'recorded an attempt added without migration_id', migration_id: migrationId, job_id: job.id });
    if (job.data.tenant_id === undefined) {
      const { tenantId, versionApplied } = attempt.record;
      await job.updateData({ ...job.data, tenant_id: tenantId, version_applied: versionApplied }).catch(() => undefined);
    }
    return migrationId;
  }

  /** Turns how the attempt stands into the job's end: completed, failed once, or delayed. */
  private async settle(job: Job<ApplyJobData>, token: string | undefined, migrationId: string, outcome: ApplyOutcome): Promise<ApplyJobResult> {
    const ids = { migration_id: migrationId, job_id: job.id };
    if (outcome.kind === 'wait') {
      this.logger.debug({ msg: `attempt waits: ${outcome.reason}`, ...ids, tenant_id: outcome.tenantId });
      await job.log(`waiting: ${outcome.reason}`).catch(() => undefined);
      await job.moveToDelayed(Date.now() + WAIT_RECHECK_MS, token);
      // Re-check once parked: a wake-up sent just before parking would otherwise be lost.
      if (await this.applyService.isReady(migrationId).catch(() => false)) await job.promote().catch(() => undefined);
      throw new DelayedError();
    }
    if (outcome.kind === 'already-ended') {
      // A repeated delivery, or a second job for the same record: it ends as the record did.
      const record = await this.audit.findById(migrationId).catch((error: unknown) => {
        throw error instanceof NotFoundError ? new UnrecoverableError(error.message) : error;
      });
      return endJob(migrationId, record.status, record.details ?? '');
    }
    this.metrics.attempts.inc({ status: outcome.status });
    if (outcome.status === 'success') this.metrics.statementsApplied.inc(outcome.statements);
    this.logger.log({
      msg: `attempt ended ${outcome.status}`,
      ...ids,
      tenant_id: outcome.tenantId,
      status: outcome.status,
      ...(outcome.status === 'failed' ? { details: outcome.details } : {}),
    });
    await this.producer.promote(outcome.waiting).catch(() => undefined);
    this.events.emit(ATTEMPT_ENDED, { migrationId, tenantId: outcome.tenantId, status: outcome.status } satisfies AttemptEnded);
    return endJob(migrationId, outcome.status, outcome.details);
  }

  /** Back to delayed, with the try counted in the job's data (a plain BullMQ job has no `attempts` of its own). */
  private async retryLater(job: Job<ApplyJobData>, token: string | undefined, tries: number, error: unknown): Promise<never> {
    const delayMs = Math.min(BACKOFF_MS * 2 ** (tries - 1), MAX_BACKOFF_MS);
    const maxTries = this.config.apply.maxTries;
    const what = tries < maxTries ? `try ${tries} of ${maxTries} hit a transient fault` : 'the attempt cannot be ended yet';
    const line = `${what}: ${messageOf(error)}; next try in ${delayMs / 1000} s`;
    this.logger.warn({ msg: line, migration_id: job.data.migration_id, job_id: job.id });
    await job.updateData({ ...job.data, tries });
    await job.log(line).catch(() => undefined);
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Input no try can fix: the job fails at once, saying why. */
  private refuse(job: Job<ApplyJobData>, message: string): UnrecoverableError {
    this.logger.warn({ msg: `refused a job: ${message}`, job_id: job.id });
    return new UnrecoverableError(message);
  }
}

/** Errors that end the job now (no try can change them), as opposed to transient faults. */
function endsTheJob(error: unknown): error is UnrecoverableError | DelayedError | MigrationRecordMissingError {
  return error instanceof UnrecoverableError || error instanceof DelayedError || error instanceof MigrationRecordMissingError;
}

function jobEnd(error: UnrecoverableError | DelayedError | MigrationRecordMissingError): Error {
  return error instanceof MigrationRecordMissingError ? new UnrecoverableError(error.message) : error;
}

function endJob(migrationId: string, status: string, details: string): ApplyJobResult {
  if (status === 'success') return { migration_id: migrationId, status: 'success', details };
  const failure = new UnrecoverableError(details);
  // The board shows a job's stack trace as its error: for a failed attempt, only its details matter.
  failure.stack = `${failure.name}: ${details}`;
  throw failure;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A UUID (version 8, custom) from the job's identity; stable across deliveries of that job. */
export function migrationIdForJob(job: Pick<Job, 'id' | 'timestamp' | 'queueQualifiedName'>): string {
  const hex = createHash('sha256').update(`${job.queueQualifiedName}|${job.id}|${job.timestamp}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
