import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AuditModule } from '../audit/audit.module.js';
import { logConnectionErrors } from '../bullmq/queue-errors.js';
import { withWorkerOptions, workerOptions } from '../bullmq/worker-options.js';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReplayModule } from '../replay/replay.module.js';
import { DriftCheckProcessor } from './drift-check.processor.js';
import { DriftChecks } from './drift-checks.service.js';
import { DriftController } from './drift.controller.js';
import { DriftService } from './drift.service.js';
import { DRIFT_QUEUE } from './drift.queue.js';
import { ExpectedDescriptions } from './expected-descriptions.js';

/** Drift (docs/contract.md §11): one tenant's (api), fleet checks as jobs on queue `drift` (worker). */
@Module({})
export class DriftModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DriftModule,
      imports: [AuditModule, ReplayModule, BullModule.registerQueue({ name: DRIFT_QUEUE })],
      controllers: config.role === 'worker' ? [] : [DriftController],
      providers: [
        DriftService,
        DriftChecks,
        ExpectedDescriptions,
        ...(config.role !== 'api' ? [{ provide: DriftCheckProcessor, useClass: withWorkerOptions(DriftCheckProcessor, DRIFT_QUEUE, workerOptions(config, { concurrency: 1 })) }] : []),
      ],
      exports: [DriftService, DriftChecks],
    };
  }

  constructor(@InjectQueue(DRIFT_QUEUE) queue: Queue, metrics: MetricsService, checks: DriftChecks) {
    metrics.watchQueue(queue);
    logConnectionErrors(queue, new Logger(DriftModule.name));
    metrics.readDriftCountsFrom(() => checks.latestCounts());
  }
}
