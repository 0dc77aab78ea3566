import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AttemptsRepository, type PendingAttempt } from '../audit/attempts.repository.js';
import { type EnqueuedAttempt, SchemaApplyProducer } from './schema-apply.producer.js';

/** Older than this, a pending record should have a job; younger ones may be mid-enqueue. */
const GRACE_SECONDS = 5;
const BATCH = 1000;
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface ReconcileResult {
  checked: number;
  enqueued: number;
  retried: number;
}

/**
 * Finds pending records that no job will finish (a failed enqueue, Redis losing its data,
 * a removed job, a job failed by BullMQ itself) and gives each a job again. Safe to repeat:
 * the new job's id is the migration id, and the apply re-checks the record under the tenant lock.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);

  constructor(
    private readonly attempts: AttemptsRepository,
    private readonly producer: SchemaApplyProducer,
  ) {}

  async run(): Promise<ReconcileResult> {
    const rows = await this.attempts.pending(GRACE_SECONDS, BATCH);
    const missing: EnqueuedAttempt[] = [];
    let retried = 0;
    for (const row of rows) {
      const found = await this.liveJob(row);
      if (found === 'live') continue;
      if (found) {
        await found.retry('failed');
        retried++;
        continue;
      }
      missing.push({
        migrationId: row.migration_id,
        tenantSchemaId: row.tenant_schema_id,
        tenantId: row.tenant_id,
        versionApplied: row.version_applied,
        appliedBy: row.applied_by,
      });
    }
    await this.producer.enqueue(missing);
    const result = { checked: rows.length, enqueued: missing.length, retried };
    if (missing.length || retried) this.logger.warn(`reconciled pending attempts: ${JSON.stringify(result)}`);
    return result;
  }

  /**
   * 'live' if a job of the attempt will still run; a failed one to retry; or undefined when
   * none will (gone, or completed while the record is pending), which is then removed so that
   * the migration id is free for a new job.
   */
  private async liveJob(row: PendingAttempt): Promise<'live' | Job | undefined> {
    // A plain BullMQ job first; the reconciler may since have given the attempt a job of its own.
    const ids = row.job_id && row.job_id !== row.migration_id ? [row.job_id, row.migration_id] : [row.migration_id];
    for (const id of ids) {
      const job = await this.producer.queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (LIVE_STATES.has(state)) return 'live';
      if (state === 'failed') return job;
    }
    const own = await this.producer.queue.getJob(row.migration_id);
    await own?.remove();
    return undefined;
  }
}
