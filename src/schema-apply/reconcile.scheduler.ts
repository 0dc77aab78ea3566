import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { whenRedisReady } from '../bullmq/when-redis-ready.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RECONCILE_JOB, RECONCILE_JOBS_KEPT, RECONCILE_QUEUE, RECONCILE_SCHEDULER_ID } from './schema-apply.queue.js';

/** Only enqueues: a BullMQ job scheduler fires the reconciler once per tick across all instances. */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconcileScheduler.name);

  constructor(
    @InjectQueue(RECONCILE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    whenRedisReady(this.queue, () => this.upsert());
  }

  private async upsert() {
    try {
      await this.queue.upsertJobScheduler(
        RECONCILE_SCHEDULER_ID,
        { every: this.config.worker.reconcileEveryMs },
        { name: RECONCILE_JOB, opts: RECONCILE_JOBS_KEPT },
      );
    } catch (error) {
      this.logger.warn(`could not schedule the reconciler yet: ${(error as Error).message}`);
    }
  }
}
