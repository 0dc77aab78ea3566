import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AuditModule } from '../audit/audit.module.js';
import { logConnectionErrors } from '../bullmq/queue-errors.js';
import { withWorkerOptions, workerOptions } from '../bullmq/worker-options.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApplySessions } from './apply-sessions.js';
import { ApplyProcessor } from './apply.processor.js';
import { ApplyService } from './apply.service.js';
import { DryRunController } from './dry-run.controller.js';
import { DryRunService } from './dry-run.service.js';
import { AttemptsService } from './attempts.service.js';
import { MigrationsController } from './migrations.controller.js';
import { ReconcileProcessor } from './reconcile.processor.js';
import { ReconcileScheduler } from './reconcile.scheduler.js';
import { ReconcilerService } from './reconciler.service.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';
import { APPLY_JOBS_KEPT, RECONCILE_JOBS_KEPT, RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

/** Recording attempts (routes), applying them (workers) and keeping none stuck (reconciler). */
@Module({})
export class SchemaApplyModule {
  static forRoot(config: AppConfig): DynamicModule {
    const runsJobs = config.role !== 'api';
    return {
      module: SchemaApplyModule,
      imports: [
        AuditModule,
        BullModule.registerQueue(
          { name: SCHEMA_APPLY_QUEUE, defaultJobOptions: APPLY_JOBS_KEPT },
          { name: RECONCILE_QUEUE, defaultJobOptions: RECONCILE_JOBS_KEPT },
        ),
      ],
      controllers: config.role === 'worker' ? [] : [MigrationsController, DryRunController],
      providers: [
        AttemptsService,
        ApplySessions,
        ApplyService,
        DryRunService,
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
      exports: [SchemaApplyProducer, DryRunService],
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
