import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { ATTEMPT_ENDED, type AttemptEnded } from '../schema-apply/attempt-events.js';
import { RolloutJobs } from './rollout-jobs.service.js';

/** An attempt a rollout made (or followed) ended: that rollout's job wakes up to act on it. */
@Injectable()
export class RolloutWakeups {
  private readonly logger = new Logger(RolloutWakeups.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly jobs: RolloutJobs,
  ) {}

  @OnEvent(ATTEMPT_ENDED, { async: true, promisify: true, suppressErrors: true })
  async attemptEnded(event: AttemptEnded): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ rollout_id: string }>('SELECT rollout_id FROM business_store_service.rollout_attempts WHERE migration_id = $1', [event.migrationId]);
      for (const { rollout_id } of rows) await this.jobs.wake(rollout_id);
    } catch (error) {
      // The rollout's own re-check catches up; nothing is lost.
      this.logger.warn({ msg: `could not wake a rollout: ${(error as Error).message}`, migration_id: event.migrationId });
    }
  }
}
