import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { SchemaMigration } from '../audit/schema-migration.entity.js';
import { withTimeout } from '../common/with-timeout.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { type OwnedQueue, openQueue } from '../queue/redis-connection.js';
import { APPLY_JOB, type ApplyJobData, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

const ENQUEUE_TIMEOUT_MS = 3000;
const DAY_S = 24 * 3600;

/** Owns the schema-apply queue: every enqueue goes through here, with the migration id as job id. */
@Injectable()
export class SchemaApplyProducer implements OnApplicationShutdown {
  private readonly logger = new Logger(SchemaApplyProducer.name);
  private readonly owned: OwnedQueue<ApplyJobData>;
  readonly queue: Queue<ApplyJobData>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, metrics: MetricsService) {
    this.owned = openQueue<ApplyJobData>(
      SCHEMA_APPLY_QUEUE,
      config,
      {
        attempts: config.apply.maxTries,
        backoff: { type: 'exponential', delay: 1000 },
        // Finished jobs stay inspectable on the board for a while, then Redis lets them go.
        removeOnComplete: { age: DAY_S, count: 10_000 },
        removeOnFail: { age: 7 * DAY_S, count: 10_000 },
      },
      (message) => this.logger.warn(message),
    );
    this.queue = this.owned.queue;
    metrics.watchQueue(this.queue);
  }

  /**
   * Enqueues committed pending records. A duplicate job id is a no-op in BullMQ. If Redis does
   * not answer, the records stay pending and the reconciler enqueues them later.
   */
  async enqueue(records: Pick<SchemaMigration, 'migrationId' | 'tenantSchemaId' | 'appliedBy'>[]): Promise<boolean> {
    if (records.length === 0) return true;
    const jobs = records.map((r) => ({
      name: APPLY_JOB,
      data: { tenant_schema_id: r.tenantSchemaId, applied_by: r.appliedBy ?? null, migration_id: r.migrationId },
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
    for (const id of migrationIds) {
      const job = await this.queue.getJob(id);
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    }
  }

  onApplicationShutdown() {
    return this.owned.close();
  }
}
