import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AuditModule } from '../audit/audit.module.js';
import { logConnectionErrors } from '../bullmq/queue-errors.js';
import { withWorkerOptions, workerOptions } from '../bullmq/worker-options.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApplyModule } from '../apply/apply.module.js';
import { ApplyProcessor } from './apply.processor.js';
import { AttemptsController } from './attempts.controller.js';
import { ReconcileProcessor } from './reconcile.processor.js';
import { ReconcileScheduler } from './reconcile.scheduler.js';
import { ReconcilerService } from './reconciler.service.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';
import { APPLY_JOBS_KEPT, RECONCILE_JOBS_KEPT, RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

/** The queue side of applying (docs/contract.md §5): recording and enqueueing attempts (routes), their jobs (workers), none stuck (reconciler). */
@Module({})
export class SchemaApplyModule {
  static forRoot(config: AppConfig): DynamicModule {
    const runsJobs = config.role !== 'api';
    return {
      module: SchemaApplyModule,
      imports: [
        AuditModule,
        ApplyModule,
        BullModule.registerQueue(
          { name: SCHEMA_APPLY_QUEUE, defaultJobOptions: APPLY_JOBS_KEPT },
          { name: RECONCILE_QUEUE, defaultJobOptions: RECONCILE_JOBS_KEPT },
        ),
      ],
      controllers: config.role === 'worker' ? [] : [AttemptsController],
      providers: [
        ReconcilerService,
        SchemaApplyProducer,
        ...(runsJobs
          ? [
              {
                provide: ApplyProcessor,
                // Jobs added with plain BullMQ carry no retention options: the worker's apply to them.
                useClass: withWorkerOptions(ApplyProcessor, SCHEMA_APPLY_QUEUE, workerOptions(config, { concurrency: config.workerConcurrency, ...APPLY_JOBS_KEPT })),
              },
              { provide: ReconcileProcessor, useClass: withWorkerOptions(ReconcileProcessor, RECONCILE_QUEUE, workerOptions(config)) },
              ReconcileScheduler,
            ]
          : []),
      ],
      exports: [SchemaApplyProducer],
    };
  }

  constructor(@InjectQueue(SCHEMA_APPLY_QUEUE) apply: Queue, @InjectQueue(RECONCILE_QUEUE) reconcile: Queue, metrics: MetricsService) {
    const logger = new Logger(SchemaApplyModule.name);
    for (const queue of [apply, reconcile]) {
      metrics.watchQueue(queue);
      logConnectionErrors(queue, logger);
    }
  }
}
