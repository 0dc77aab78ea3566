import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { SchemaApplyProducer } from '../schema-apply/schema-apply.producer.js';
import { RolloutProgressService } from './rollout-progress.service.js';
import type { RolloutCounts, RolloutStatus } from './rollout.mapper.js';
import { type RolloutJobData, ROLLOUTS_QUEUE } from './rollouts.queue.js';

/** A running rollout re-checks this late at most; an attempt of its ending wakes it sooner. */
const RUNNING_RECHECK_MS = 1000;
/** A paused one waits for resume (which wakes it); the re-check only catches a lost wake-up. */
const PAUSED_RECHECK_MS = 30_000;

/**
 * Drives one rollout: passes until one finds nothing to do, then waits (delayed) until an
 * attempt of it ends, an operator acts, or the re-check is due. Progress is the counts.
 */
@Processor(ROLLOUTS_QUEUE)
export class RolloutProcessor extends WorkerHost {
  private readonly logger = new Logger(RolloutProcessor.name);

  constructor(
    private readonly progress: RolloutProgressService,
    private readonly producer: SchemaApplyProducer,
  ) {
    super();
  }

  async process(job: Job<RolloutJobData>, token?: string): Promise<{ rollout_id: string; status: RolloutStatus; counts: RolloutCounts }> {
    const rolloutId = job.data.rollout_id;
    for (;;) {
      const pass = await this.progress.pass(rolloutId);
      if (!pass) throw new UnrecoverableError(`rollout '${rolloutId}' not found`);
      // Committed first, enqueued after: a lost enqueue is found by the reconciler.
      await this.producer.enqueue(pass.started);
      for (const line of pass.events) {
        this.logger.log({ msg: line, rollout_id: rolloutId });
        await job.log(line).catch(() => undefined);
      }
      await job.updateProgress(pass.counts).catch(() => undefined);
      if (pass.finished) return { rollout_id: rolloutId, status: pass.status, counts: pass.counts };
      if (!pass.changed) {
        await job.moveToDelayed(Date.now() + (pass.status === 'paused' ? PAUSED_RECHECK_MS : RUNNING_RECHECK_MS), token);
        throw new DelayedError();
      }
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${ROLLOUTS_QUEUE} worker: ${error.message}`);
  }
}
