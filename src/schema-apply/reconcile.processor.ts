import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type ReconcileResult, ReconcilerService } from './reconciler.service.js';
import { RECONCILE_QUEUE } from './schema-apply.queue.js';

/** Runs the reconciler for each tick of its job scheduler. */
@Processor(RECONCILE_QUEUE)
export class ReconcileProcessor extends WorkerHost {
  private readonly logger = new Logger(ReconcileProcessor.name);

  constructor(private readonly reconciler: ReconcilerService) {
    super();
  }

  process(): Promise<ReconcileResult> {
    return this.reconciler.run();
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${RECONCILE_QUEUE} worker: ${error.message}`);
  }
}
