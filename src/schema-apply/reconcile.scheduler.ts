import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type OwnedQueue, openQueue, whenConnected } from '../queue/redis-connection.js';
import { RECONCILE_JOB, RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID } from './schema-apply.queue.js';

const KEEP_JOBS = { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } };

/**
 * Only enqueues: a BullMQ job scheduler fires the reconciler once per tick across all
 * instances. Upserted again whenever Redis comes back, since a restart may have lost it.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private readonly owned: OwnedQueue;
  readonly queue: Queue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.owned = openQueue(RECONCILE_QUEUE, config, KEEP_JOBS, (message) => this.logger.warn(message));
    this.queue = this.owned.queue;
    metrics.watchQueue(this.queue);
  }

  onApplicationBootstrap() {
    if (this.config.role === 'api') return;
    // Not awaited: a Redis that is down at start must not hold up the process.
    whenConnected(this.owned.connection, () => this.upsert());
  }

  private async upsert() {
    try {
      await this.queue.upsertJobScheduler(
        RECONCILE_SCHEDULER_ID,
        { every: this.config.worker.reconcileEveryMs },
        { name: RECONCILE_JOB, opts: KEEP_JOBS },
      );
    } catch (error) {
      this.logger.warn(`could not schedule the reconciler yet: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown() {
    return this.owned.close();
  }
}
