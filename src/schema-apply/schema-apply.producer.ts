import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { SchemaMigration } from '../audit/schema-migration.entity.js';
import { withTimeout } from '../common/with-timeout.js';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { APPLY_JOB, type ApplyJobData, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

const ENQUEUE_TIMEOUT_MS = 3000;

export type EnqueuedAttempt = Pick<SchemaMigration, 'migrationId' | 'tenantSchemaId' | 'appliedBy' | 'tenantId' | 'versionApplied'>;

/** Owns the schema-apply queue: every enqueue goes through here, with the migration id as job id. */
@Injectable()
export class SchemaApplyProducer {
  private readonly logger = new Logger(SchemaApplyProducer.name);

  constructor(
    @InjectQueue(SCHEMA_APPLY_QUEUE) readonly queue: Queue<ApplyJobData>,
    private readonly attempts: AttemptsRepository,
  ) {}

  /**
   * Enqueues committed pending attempts. A duplicate job id is a no-op in BullMQ. If Redis does
   * not answer, the attempts stay pending and the reconciler enqueues them later.
   */
  async enqueue(records: EnqueuedAttempt[]): Promise<boolean> {
    if (records.length === 0) return true;
    const jobs = records.map((r) => ({
      name: APPLY_JOB,
      // tenant_id and version_applied only label the job on the board.
      data: {
        tenant_schema_id: r.tenantSchemaId,
        applied_by: r.appliedBy ?? null,
        migration_id: r.migrationId,
        tenant_id: r.tenantId,
        version_applied: r.versionApplied,
      },
      opts: { jobId: r.migrationId },
    }));
    try {
      await withTimeout(this.queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS, 'Redis did not answer');
      return true;
    } catch (error) {
      this.logger.warn(`enqueue of ${records.length} attempt(s) deferred to the reconciler: ${(error as Error).message}`);
      return false;
    }
  }

  /** Wakes attempts that were waiting (delayed) for their tenant or previous version. */
  async promote(migrationIds: string[]): Promise<void> {
    if (migrationIds.length === 0) return;
    const jobIds = await this.attempts.jobIdsOf(migrationIds);
    for (const id of migrationIds) {
      const job = await this.queue.getJob(jobIds.get(id) ?? id);
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    }
  }
}
