import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { type PurgeRun, PurgeService } from './purge.service.js';
import { type PurgeProgress, RETENTION_QUEUE } from './retention.queue.js';

/** Runs a scheduled purge, reporting `{deleted}` as it goes. */
@Processor(RETENTION_QUEUE)
export class PurgeProcessor extends WorkerHost {
  private readonly logger = new Logger(PurgeProcessor.name);

  constructor(private readonly purges: PurgeService) {
    super();
  }

  process(job: Job): Promise<PurgeRun> {
    return this.purges.purge('schedule', (deleted) => void job.updateProgress({ deleted } satisfies PurgeProgress).catch(() => undefined));
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${RETENTION_QUEUE} worker: ${error.message}`);
  }
}
