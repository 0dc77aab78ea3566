import { AuditModule } from '../audit/audit.module.js';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { logConnectionErrors } from '../bullmq/queue-errors.js';
import { withWorkerOptions, workerOptions } from '../bullmq/worker-options.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PurgeProcessor } from './purge.processor.js';
import { PurgeService } from './purge.service.js';
import { RetentionController } from './retention.controller.js';
import { PURGE_JOBS_KEPT, RETENTION_QUEUE } from './retention.queue.js';
import { RetentionScheduler } from './retention.scheduler.js';

/** Retention policy, scheduled and on-demand purges of old records of attempts. */
@Module({})
export class RetentionModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RetentionModule,
      imports: [AuditModule, BullModule.registerQueue({ name: RETENTION_QUEUE, defaultJobOptions: PURGE_JOBS_KEPT })],
      controllers: config.role === 'worker' ? [] : [RetentionController],
      providers: [
        PurgeService,
        ...(config.role === 'api'
          ? []
          : [{ provide: PurgeProcessor, useClass: withWorkerOptions(PurgeProcessor, RETENTION_QUEUE, workerOptions(config)) }, RetentionScheduler]),
      ],
    };
  }

  constructor(@InjectQueue(RETENTION_QUEUE) queue: Queue, purges: PurgeService, metrics: MetricsService) {
    metrics.watchQueue(queue);
    logConnectionErrors(queue, new Logger(RetentionModule.name));
    // Kept in the database, so every instance reports the same.
    metrics.readRetentionLastRunFrom(async () => (await purges.lastRun())?.finishedAt ?? null);
  }
}
