import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AuditModule } from '../audit/audit.module.js';
import { logConnectionErrors } from '../bullmq/queue-errors.js';
import { withWorkerOptions, workerOptions } from '../bullmq/worker-options.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RolloutJobs } from './rollout-jobs.service.js';
import { RolloutProgressService } from './rollout-progress.service.js';
import { RolloutSweepProcessor, RolloutSweepScheduler } from './rollout-sweep.js';
import { RolloutProcessor } from './rollout.processor.js';
import { RolloutWakeups } from './rollout-wakeups.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';
import { ROLLOUT_JOBS_KEPT, ROLLOUT_SWEEP_QUEUE, ROLLOUTS_QUEUE, SWEEP_JOBS_KEPT } from './rollouts.queue.js';

/** How many rollouts one worker process drives at once (each only while it has something to do). */
const ROLLOUT_CONCURRENCY = 4;

/** Rollouts: routes and state (api), and the job that drives each rollout (worker). */
@Module({})
export class RolloutsModule {
  static forRoot(config: AppConfig, uses: { schemaApply: DynamicModule; dryRun: DynamicModule; drift: DynamicModule }): DynamicModule {
    const runsJobs = config.role !== 'api';
    return {
      module: RolloutsModule,
      imports: [
        AuditModule,
        uses.schemaApply,
        uses.dryRun,
        uses.drift,
        BullModule.registerQueue({ name: ROLLOUTS_QUEUE, defaultJobOptions: ROLLOUT_JOBS_KEPT }, { name: ROLLOUT_SWEEP_QUEUE, defaultJobOptions: SWEEP_JOBS_KEPT }),
      ],
      controllers: config.role === 'worker' ? [] : [RolloutsController],
      providers: [
        RolloutsService,
        RolloutProgressService,
        RolloutJobs,
        ...(runsJobs
          ? [
              { provide: RolloutProcessor, useClass: withWorkerOptions(RolloutProcessor, ROLLOUTS_QUEUE, workerOptions(config, { concurrency: ROLLOUT_CONCURRENCY })) },
              { provide: RolloutSweepProcessor, useClass: withWorkerOptions(RolloutSweepProcessor, ROLLOUT_SWEEP_QUEUE, workerOptions(config)) },
              RolloutSweepScheduler,
              RolloutWakeups,
            ]
          : []),
      ],
      exports: [RolloutsService, RolloutJobs],
    };
  }

  constructor(@InjectQueue(ROLLOUTS_QUEUE) rollouts: Queue, @InjectQueue(ROLLOUT_SWEEP_QUEUE) sweep: Queue, metrics: MetricsService, service: RolloutsService) {
    const logger = new Logger(RolloutsModule.name);
    for (const queue of [rollouts, sweep]) {
      metrics.watchQueue(queue);
      logConnectionErrors(queue, logger);
    }
    metrics.readRolloutCountsFrom(() => service.statusCounts());
  }
}
