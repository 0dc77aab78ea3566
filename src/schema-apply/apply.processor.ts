import { createHash } from 'node:crypto';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { ApplyAttempt, type AttemptResult } from '../apply/apply-attempt.usecase.js';
import { AttemptMissingError } from '../apply/apply.types.js';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { AttemptsService } from '../audit/attempts.service.js';
import { UUID_PATTERN } from '../common/uuid.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { JobReporter } from './job-reporter.js';
import { type ApplyJobData, type ApplyJobResult, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';

/** A waiting attempt is re-checked this late at most; the end of what it waits for wakes it sooner. */
const WAIT_RECHECK_MS = 5000;
/** After a transient fault: 1 s, 2 s, 4 s, … and never longer than the cap. */
const BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;

/**
 * The job is the attempt (docs/contract.md §5): it turns the job into one try at the attempt
 * (apply/apply-attempt.usecase.ts) and the result into the job's end. `success` completes it with
 * `{migration_id, status, details}`; `failed` fails it, once, with the attempt's details; waiting
 * parks it (delayed); a transient fault puts it back to delayed with a backoff, the tries counted
 * in the job's data (a job added with plain BullMQ has no `attempts` option of its own).
 */
@Processor(SCHEMA_APPLY_QUEUE)
export class ApplyProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApplyProcessor.name);

  constructor(
    private readonly applyAttempt: ApplyAttempt,
    private readonly attempts: AttemptsService,
    private readonly repository: AttemptsRepository,
    private readonly producer: SchemaApplyProducer,
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
    let result: AttemptResult;
    let migrationId: string;
    try {
      migrationId = await this.attemptOf(job);
      const reporter = new JobReporter(job);
      result = await this.applyAttempt.run(migrationId, { id: job.id, tries, reporter }).finally(() => reporter.flush());
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      if (error instanceof AttemptMissingError) throw new UnrecoverableError(error.message);
      // Recording a plain job's attempt failed (PostgreSQL away): try again later.
      result = { kind: 'retry', tries: tries + 1, fault: messageOf(error) };
    }
    if (result.kind === 'wait') return this.park(job, token, migrationId!, result.reason);
    if (result.kind === 'retry') return this.retryLater(job, token, result);
    await this.producer.promote(result.waiting).catch(() => undefined);
    return endJob(migrationId!, result.status, result.details);
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

  /** Delayed until what the attempt waits for is over (its end wakes the job sooner). */
  private async park(job: Job<ApplyJobData>, token: string | undefined, migrationId: string, reason: string): Promise<never> {
    this.logger.debug({ msg: `attempt waits: ${reason}`, migration_id: migrationId, job_id: job.id });
    await job.log(`waiting: ${reason}`).catch(() => undefined);
    await job.moveToDelayed(Date.now() + WAIT_RECHECK_MS, token);
    // Re-check once parked: a wake-up sent just before parking would otherwise be lost.
    if (await this.repository.isReady(migrationId).catch(() => false)) await job.promote().catch(() => undefined);
    throw new DelayedError();
  }

  /** Back to delayed, with the try counted in the job's data. */
  private async retryLater(job: Job<ApplyJobData>, token: string | undefined, result: { tries: number; fault: string }): Promise<never> {
    const delayMs = Math.min(BACKOFF_MS * 2 ** (result.tries - 1), MAX_BACKOFF_MS);
    const maxTries = this.config.apply.maxTries;
    const what = result.tries < maxTries ? `try ${result.tries} of ${maxTries} hit a transient fault` : 'the attempt cannot be ended yet';
    const line = `${what}: ${result.fault}; next try in ${delayMs / 1000} s`;
    this.logger.warn({ msg: line, migration_id: job.data.migration_id, job_id: job.id });
    await job.updateData({ ...job.data, tries: result.tries });
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
