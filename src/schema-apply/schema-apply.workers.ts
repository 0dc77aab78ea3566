import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { QueueWorkers } from '../queue/queue-workers.js';
import { ApplyProcessor } from './apply.processor.js';
import { ReconcilerService } from './reconciler.service.js';
import { type ApplyJobData, RECONCILE_QUEUE, SCHEMA_APPLY_QUEUE } from './schema-apply.queue.js';

/** Starts the apply and reconcile workers in a `worker` (or `all`) process. */
@Injectable()
export class SchemaApplyWorkers implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workers: QueueWorkers,
    private readonly processor: ApplyProcessor,
    private readonly reconciler: ReconcilerService,
  ) {}

  onApplicationBootstrap() {
    this.workers.start<ApplyJobData>(
      SCHEMA_APPLY_QUEUE,
      (job: Job<ApplyJobData>, token?: string) => this.processor.process(job, token),
      this.config.workerConcurrency,
    );
    this.workers.start(RECONCILE_QUEUE, () => this.reconciler.run());
  }
}
