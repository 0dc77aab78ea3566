import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type pg from 'pg';
import { whenRedisReady } from '../bullmq/when-redis-ready.js';
import { PG_POOL } from '../database/pg-pool.js';
import { DriftChecks } from '../drift/drift-checks.service.js';
import { RolloutJobs } from './rollout-jobs.service.js';
import { RolloutsService } from './rollouts.service.js';
import { ROLLOUT_SWEEP_EVERY_MS, ROLLOUT_SWEEP_JOB, ROLLOUT_SWEEP_QUEUE, ROLLOUT_SWEEP_SCHEDULER_ID, SWEEP_JOBS_KEPT } from './rollouts.queue.js';

/** Only enqueues: a job scheduler fires the sweep once per tick across all instances. */
@Injectable()
export class RolloutSweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RolloutSweepScheduler.name);

  constructor(@InjectQueue(ROLLOUT_SWEEP_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap() {
    whenRedisReady(this.queue, async () => {
      try {
        await this.queue.upsertJobScheduler(ROLLOUT_SWEEP_SCHEDULER_ID, { every: ROLLOUT_SWEEP_EVERY_MS }, { name: ROLLOUT_SWEEP_JOB, opts: SWEEP_JOBS_KEPT });
      } catch (error) {
        this.logger.warn(`could not schedule the rollout sweep yet: ${(error as Error).message}`);
      }
    });
  }
}

/**
 * Every unfinished rollout, and every running drift check, has its job: a Redis that lost its
 * data, or a check whose job gave up while PostgreSQL was away, is recovered from PostgreSQL.
 */
@Processor(ROLLOUT_SWEEP_QUEUE)
export class RolloutSweepProcessor extends WorkerHost {
  private readonly logger = new Logger(RolloutSweepProcessor.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly rollouts: RolloutsService,
    private readonly jobs: RolloutJobs,
    private readonly driftChecks: DriftChecks,
  ) {
    super();
  }

  async process(): Promise<{ unfinished: number; drift_checks: number }> {
    const { rows } = await this.pool.query<{ rollout_id: string }>(
      `SELECT rollout_id FROM business_store_service.rollouts WHERE finished_at IS NULL AND status <> 'completed' ORDER BY created_at`,
    );
    for (const { rollout_id } of rows) await this.jobs.start(await this.rollouts.find(rollout_id));
    const checks = await this.driftChecks.running();
    for (const check of checks) await this.driftChecks.start(check);
    return { unfinished: rows.length, drift_checks: checks.length };
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`${ROLLOUT_SWEEP_QUEUE} worker: ${error.message}`);
  }
}
