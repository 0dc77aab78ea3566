import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueueWorkers } from '../queue/queue-workers.js';
import { type OwnedQueue, openQueue, whenConnected } from '../queue/redis-connection.js';
import { PurgeService } from './purge.service.js';
import { PURGE_JOB, type PurgeProgress, RETENTION_QUEUE, RETENTION_SCHEDULER_ID } from './retention.queue.js';

const KEEP_JOBS = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };

/**
 * Schedules purges with a BullMQ job scheduler (one tick, one job, however many instances
 * run; upserting the same id follows a changed cron without duplicating it). The scheduler
 * only enqueues; in worker processes the retention worker runs the purge.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private readonly owned: OwnedQueue;
  readonly queue: Queue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workers: QueueWorkers,
    private readonly purges: PurgeService,
    metrics: MetricsService,
  ) {
    this.owned = openQueue(RETENTION_QUEUE, config, KEEP_JOBS, (message) => this.logger.warn(message));
    this.queue = this.owned.queue;
    metrics.watchQueue(this.queue);
    metrics.readRetentionLastRunFrom(async () => (await purges.lastRun())?.finishedAt ?? null);
  }

  onApplicationBootstrap() {
    if (this.config.role === 'api') return;
    this.workers.start(RETENTION_QUEUE, (job: Job) =>
      this.purges.purge('schedule', (deleted) => void job.updateProgress({ deleted } satisfies PurgeProgress).catch(() => undefined)),
    );
    whenConnected(this.owned.connection, () => this.schedule());
  }

  private async schedule() {
    const { days, cron } = this.config.retention;
    try {
      if (days === 0) {
        await this.queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
        return;
      }
      await this.queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { pattern: cron, tz: 'UTC' }, { name: PURGE_JOB, opts: KEEP_JOBS });
    } catch (error) {
      this.logger.warn(`could not schedule retention purges yet: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown() {
    return this.owned.close();
  }
}
