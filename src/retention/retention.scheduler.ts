import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { whenRedisReady } from '../bullmq/when-redis-ready.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PURGE_JOB, PURGE_JOBS_KEPT, RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from './retention.queue.js';

/**
 * Only enqueues: a BullMQ job scheduler, so one tick gives one purge however many instances
 * run; upserting the same id follows a changed cron without adding a second schedule.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    @InjectQueue(RETENTION_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    whenRedisReady(this.queue, () => this.schedule());
  }

  private async schedule() {
    const { days, cron } = this.config.retention;
    try {
      if (days === 0) {
        await this.queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
        return;
      }
      await this.queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { pattern: cron, tz: 'UTC' }, { name: PURGE_JOB, opts: PURGE_JOBS_KEPT });
    } catch (error) {
      this.logger.warn(`could not schedule retention purges yet: ${(error as Error).message}`);
    }
  }
}
