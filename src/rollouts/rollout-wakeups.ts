import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { ATTEMPT_ENDED, type AttemptEnded } from '../schema-apply/attempt-events.js';
import { RolloutJobs } from './rollout-jobs.service.js';

/** How long "no rollout is unfinished" is believed before asking again. */
const NONE_UNFINISHED_FOR_MS = 2000;

/**
 * An attempt a rollout made (or followed) ended: that rollout's job wakes up to act on it.
 * While no rollout is unfinished (a plain bulk fan-out), ends cost no query at all; a rollout
 * created meanwhile in another process is woken by its own re-check until this is refreshed.
 */
@Injectable()
export class RolloutWakeups {
  private readonly logger = new Logger(RolloutWakeups.name);
  private noneUnfinishedUntil = 0;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly jobs: RolloutJobs,
  ) {}

  @OnEvent(ATTEMPT_ENDED, { async: true, promisify: true, suppressErrors: true })
  async attemptEnded(event: AttemptEnded): Promise<void> {
    try {
      if (Date.now() < this.noneUnfinishedUntil) return;
      const { rows } = await this.pool.query<{ rollout_id: string | null }>({
        name: 'rollouts_of_attempt',
        text: `SELECT ra.rollout_id FROM business_store_service.rollout_attempts ra WHERE ra.migration_id = $1
               UNION ALL
               SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM business_store_service.rollouts WHERE finished_at IS NULL)`,
        values: [event.migrationId],
      });
      if (rows.some((r) => r.rollout_id === null)) this.noneUnfinishedUntil = Date.now() + NONE_UNFINISHED_FOR_MS;
      for (const { rollout_id } of rows) if (rollout_id) await this.jobs.wake(rollout_id);
    } catch (error) {
      // The rollout's own re-check catches up; nothing is lost.
      this.logger.warn({ msg: `could not wake a rollout: ${(error as Error).message}`, migration_id: event.migrationId });
    }
  }
}
