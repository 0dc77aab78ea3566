import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { ATTEMPT_ENDED, type AttemptEnded } from '../apply/attempt-events.js';
import { RolloutJobs } from './rollout-jobs.service.js';

/** Ends that arrive within this window wake their rollouts together: one query, one promote each. */
const GATHER_MS = 20;
/** How long "no rollout is unfinished" is believed before asking again. */
const NONE_UNFINISHED_FOR_MS = 2000;

/**
 * An attempt a rollout made (or followed) ended: that rollout's job wakes up to act on it. Ends
 * are gathered for a few milliseconds (a fan-out ends hundreds a second) and always flushed
 * after the last one, so none is lost. While no rollout is unfinished (a plain bulk fan-out),
 * ends cost no query at all; a rollout created meanwhile in another process is woken by its
 * own re-check until this is refreshed.
 */
@Injectable()
export class RolloutWakeups implements OnApplicationShutdown {
  private readonly logger = new Logger(RolloutWakeups.name);
  private noneUnfinishedUntil = 0;
  private gathered: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly jobs: RolloutJobs,
  ) {}

  @OnEvent(ATTEMPT_ENDED)
  attemptEnded(event: AttemptEnded): void {
    if (Date.now() < this.noneUnfinishedUntil) return;
    this.gathered.push(event.migrationId);
    this.timer ??= setTimeout(() => void this.flush(), GATHER_MS);
  }

  private async flush(): Promise<void> {
    const migrationIds = this.gathered;
    this.gathered = [];
    this.timer = undefined;
    try {
      const { rows } = await this.pool.query<{ rollout_id: string | null }>({
        name: 'rollouts_of_attempts',
        text: `SELECT DISTINCT ra.rollout_id FROM business_store_service.rollout_attempts ra WHERE ra.migration_id = ANY ($1::uuid[])
               UNION ALL
               SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM business_store_service.rollouts WHERE finished_at IS NULL)`,
        values: [migrationIds],
      });
      if (rows.some((r) => r.rollout_id === null)) this.noneUnfinishedUntil = Date.now() + NONE_UNFINISHED_FOR_MS;
      for (const { rollout_id } of rows) if (rollout_id) await this.jobs.wake(rollout_id);
    } catch (error) {
      // The rollout's own re-check catches up; nothing is lost.
      this.logger.warn(`could not wake rollouts for ${migrationIds.length} ended attempt(s): ${(error as Error).message}`);
    }
  }

  onApplicationShutdown() {
    clearTimeout(this.timer);
  }
}
