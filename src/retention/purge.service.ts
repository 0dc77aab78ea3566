import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PG_POOL } from '../database/pg-pool.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { cutoffFor } from './retention-policy.js';

export interface PurgeRun {
  startedAt: Date;
  finishedAt: Date;
  cutoff: Date | null;
  deleted: number;
  outcome: 'success' | 'failed';
  error: string | null;
  trigger: 'schedule' | 'api';
}

/** A retention_runs row as `pg` returns it (BIGINT as a string). */
interface RetentionRunRow {
  started_at: Date;
  finished_at: Date;
  cutoff: Date | null;
  deleted: string;
  outcome: PurgeRun['outcome'];
  error: string | null;
  trigger: PurgeRun['trigger'];
}

/**
 * Deletes expired records (ended attempts) in batches, each its own short transaction through the
 * purge function (the only delete path the append-only trigger allows). Keeps every pending
 * record and each tenant's latest success. An interrupted purge simply continues next run.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger(PurgeService.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly attempts: AttemptsRepository,
  ) {}

  /** What a purge now would delete, deleting nothing. */
  async dryRun(): Promise<{ cutoff: Date | null; deleted: number }> {
    const cutoff = cutoffFor(this.config.retention.days);
    if (!cutoff) return { cutoff, deleted: 0 };
    return { cutoff, deleted: await this.attempts.countPurgeable(cutoff) };
  }

  async purge(trigger: PurgeRun['trigger'], onBatch: (deletedSoFar: number) => void = () => undefined): Promise<PurgeRun> {
    const startedAt = new Date();
    const cutoff = cutoffFor(this.config.retention.days, startedAt);
    const { batchSize } = this.config.retention;
    let deleted = 0;
    let error: string | null = null;
    try {
      for (let batch = batchSize; cutoff && batch === batchSize; ) {
        batch = await this.attempts.purgeBatch(cutoff, batchSize);
        deleted += batch;
        this.metrics.retentionDeleted.inc(batch);
        onBatch(deleted);
      }
    } catch (e) {
      error = (e as Error).message;
    }
    const run: PurgeRun = { startedAt, finishedAt: new Date(), cutoff, deleted, outcome: error ? 'failed' : 'success', error, trigger };
    await this.record(run);
    this.logger.log({
      msg: 'retention purge',
      trigger,
      outcome: run.outcome,
      cutoff: cutoff?.toISOString() ?? null,
      deleted,
      duration_ms: run.finishedAt.getTime() - startedAt.getTime(),
      batch_size: batchSize,
      ...(error ? { error } : {}),
    });
    if (error) throw new Error(`retention purge failed after deleting ${deleted} records: ${error}`);
    return run;
  }

  async lastRun(): Promise<PurgeRun | null> {
    const { rows } = await this.pool.query<RetentionRunRow>(
      `SELECT started_at, finished_at, cutoff, deleted, outcome, error, trigger
       FROM business_store_service.retention_runs ORDER BY started_at DESC LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      cutoff: row.cutoff,
      deleted: Number(row.deleted),
      outcome: row.outcome,
      error: row.error,
      trigger: row.trigger,
    };
  }

  private async record(run: PurgeRun): Promise<void> {
    await this.pool
      .query(
        `INSERT INTO business_store_service.retention_runs (started_at, finished_at, cutoff, deleted, outcome, error, trigger)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [run.startedAt, run.finishedAt, run.cutoff, run.deleted, run.outcome, run.error, run.trigger],
      )
      .catch((e: Error) => this.logger.warn(`could not record the retention run: ${e.message}`));
  }
}
