import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { UUID_PATTERN } from '../common/uuid.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MigrationRecordMissingError } from './apply-errors.js';
import { type ApplyOutcome, ApplyService } from './apply.service.js';
import { AttemptsService } from './attempts.service.js';
import { JobReporter } from './job-reporter.js';
import type { ApplyJobData } from './schema-apply.queue.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';

/** A waiting attempt is re-checked this late at most; finishing its predecessor wakes it sooner. */
const WAIT_RECHECK_MS = 5000;

export type ApplyJobResult = { migration_id: string; status: string; details?: string } | { recorded: string };

/** Thin: takes the job, calls the service, reports progress, and tells BullMQ how it went. */
@Injectable()
export class ApplyProcessor {
  private readonly logger = new Logger(ApplyProcessor.name);

  constructor(
    private readonly applyService: ApplyService,
    private readonly attempts: AttemptsService,
    private readonly producer: SchemaApplyProducer,
    private readonly metrics: MetricsService,
  ) {}

  async process(job: Job<ApplyJobData>, token?: string): Promise<ApplyJobResult> {
    const migrationId = job.data.migration_id;
    if (!migrationId) return this.record(job);
    if (!UUID_PATTERN.test(migrationId)) throw new UnrecoverableError('migration_id must be a UUID');
    const finalTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const stopTimer = this.metrics.applyDuration.startTimer();

    let outcome: ApplyOutcome;
    const reporter = new JobReporter(job);
    try {
      outcome = await this.applyService.apply(migrationId, reporter, finalTry, job.attemptsMade + 1);
    } catch (error) {
      if (error instanceof MigrationRecordMissingError) throw new UnrecoverableError(error.message);
      if (!finalTry) throw error; // BullMQ retries with backoff; the record stays pending
      // Only a fault that left no connection to record it on gets here (ApplyService records the rest).
      outcome = await this.applyService.giveUp(migrationId, `Gave up after ${job.attemptsMade + 1} tries: ${(error as Error).message}`);
    } finally {
      reporter.flush();
    }

    if (outcome.kind === 'wait') {
      this.logger.debug({ msg: `attempt waits: ${outcome.reason}`, migration_id: migrationId, tenant_id: outcome.tenantId, job_id: job.id });
      await job.log(`waiting: ${outcome.reason}`).catch(() => undefined);
      await job.moveToDelayed(Date.now() + WAIT_RECHECK_MS, token);
      // Re-check once parked: a wake-up sent just before parking would otherwise be lost.
      if (await this.applyService.isReady(migrationId)) await job.promote().catch(() => undefined);
      throw new DelayedError();
    }
    if (outcome.kind === 'already-ended') return { migration_id: migrationId, status: outcome.status };
    stopTimer({ status: outcome.status });
    this.metrics.attempts.inc({ status: outcome.status });
    if (outcome.status === 'success') this.metrics.statementsApplied.inc(outcome.statements);
    this.logger.log({
      msg: `attempt ended ${outcome.status}`,
      migration_id: migrationId,
      tenant_id: outcome.tenantId,
      job_id: job.id,
      status: outcome.status,
      ...(outcome.status === 'failed' ? { details: outcome.details } : {}),
    });
    await this.producer.promote(outcome.waiting).catch(() => undefined);
    return { migration_id: migrationId, status: outcome.status, details: outcome.details };
  }

  /**
   * A job added directly without migration_id: record the attempt once (the id is derived
   * from the job, so a repeated delivery finds its own record) and enqueue it as usual.
   */
  private async record(job: Job<ApplyJobData>): Promise<ApplyJobResult> {
    const tenantSchemaId = job.data.tenant_schema_id;
    if (typeof tenantSchemaId !== 'string' || !UUID_PATTERN.test(tenantSchemaId)) {
      throw new UnrecoverableError('tenant_schema_id must be a UUID');
    }
    const appliedBy = typeof job.data.applied_by === 'string' ? job.data.applied_by.slice(0, 255) : null;
    const migrationId = migrationIdForJob(job);
    const [acceptance] = await this.attempts.accept([{ tenantSchemaId, appliedBy, migrationId }]);
    if (acceptance.outcome === 'not-found') throw new UnrecoverableError(acceptance.message);
    if (acceptance.outcome === 'conflict' && acceptance.existingId !== migrationId) throw new UnrecoverableError(acceptance.message);
    this.logger.log({ msg: 'recorded an attempt added without migration_id', migration_id: migrationId, job_id: job.id });
    const enqueued = await this.producer.enqueue([{ migrationId, tenantSchemaId, appliedBy }]);
    if (!enqueued) throw new Error('could not enqueue the recorded attempt'); // retried; the reconciler also covers it
    return { recorded: migrationId };
  }
}

/** A UUID (version 8, custom) from the job's identity; stable across deliveries of that job. */
export function migrationIdForJob(job: Pick<Job, 'id' | 'timestamp' | 'queueQualifiedName'>): string {
  const hex = createHash('sha256').update(`${job.queueQualifiedName}|${job.id}|${job.timestamp}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
