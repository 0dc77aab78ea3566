import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { withTimeout } from '../common/with-timeout.js';
import { bullConnection, CLOSE_TIMEOUT_MS } from './redis-connection.js';
import { RECONCILE_JOB, RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID } from './schema-apply.queue.js';

/**
 * Only enqueues: a BullMQ job scheduler fires the reconciler once per tick across all
 * instances. Upserted again whenever Redis comes back, since a restart may have lost it.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private readonly connection: Redis;
  readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = bullConnection(config.redisUrl);
    this.queue = new Queue(RECONCILE_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
    });
    this.queue.on('error', (error) => this.logger.warn(`reconcile queue: ${error.message}`));
  }

  onApplicationBootstrap() {
    if (this.config.role === 'api') return;
    // Not awaited: a Redis that is down at start must not hold up the process.
    this.connection.on('ready', () => void this.upsert());
    if (this.connection.status === 'ready') void this.upsert();
  }

  private async upsert() {
    try {
      await this.queue.upsertJobScheduler(
        RECONCILE_SCHEDULER_ID,
        { every: this.config.worker.reconcileEveryMs },
        { name: RECONCILE_JOB, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } } },
      );
    } catch (error) {
      this.logger.warn(`could not schedule the reconciler yet: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown() {
    await withTimeout(this.queue.close(), CLOSE_TIMEOUT_MS).catch(() => undefined);
    this.connection.disconnect();
  }
}
