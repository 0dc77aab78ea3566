import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { ConflictError, NotFoundError } from '../common/domain-errors.js';
import { PG_POOL } from '../database/pg-pool.js';
import type { RolloutStatusCounts } from '../metrics/metrics.service.js';
import { decodeRolloutCursor, encodeRolloutCursor } from './rollout-cursor.js';
import { DEFAULT_FAILURE_BUDGET, DEFAULT_MAX_PARALLEL, type FailureBudget, type WaveSpec, waveSizes } from './rollout-plan.js';
import type { RolloutRow, RolloutStatus, RolloutTenantStatus, WaveRow } from './rollout.mapper.js';
import {
  INSERT_ROLLOUT_SQL,
  INSERT_TENANTS_SQL,
  INSERT_WAVES_SQL,
  LIST_ROLLOUTS_SQL,
  LIST_TENANTS_SQL,
  LOCK_ROLLOUT_SQL,
  ROLLOUT_SQL,
  WAVES_SQL,
} from './rollouts.sql.js';

export interface RolloutRequest {
  targetVersion: number;
  /** Omitted: every tenant with a definition of the target version that is below it. */
  tenantIds?: string[];
  waves?: WaveSpec[];
  maxParallel?: number;
  failureBudget?: FailureBudget;
  appliedBy?: string | null;
  /** `skip`: each tenant is checked for drift before its first attempt, and a drifted one is skipped. */
  onDrift?: 'ignore' | 'skip';
  /** Created paused, with this reason (a dry run found a problem). */
  pausedBecause?: string;
}

export interface Rollout {
  row: RolloutRow;
  waves: WaveRow[];
}

export interface TenantItem {
  position: number;
  tenant_id: string;
  status: RolloutTenantStatus;
  from_version: number | null;
  current_version: number | null;
  details: string | null;
  migration_ids: string[];
}

/** A rollout's state in PostgreSQL: creation, reads, and the operator's actions. Its progress is RolloutProgressService's. */
@Injectable()
export class RolloutsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly attempts: AttemptsRepository,
  ) {}

  /** Records the rollout, its waves and its tenants in one transaction. */
  async create(request: RolloutRequest): Promise<Rollout> {
    return this.inTransaction(async (db) => {
      const tenantIds = request.tenantIds ?? (await this.attempts.tenantsBelow(db, request.targetVersion));
      const sizes = waveSizes(request.waves ?? [], tenantIds.length);
      const budget = request.failureBudget ?? DEFAULT_FAILURE_BUDGET;
      const empty = tenantIds.length === 0;
      const { rows } = await db.query<{ rollout_id: string }>(INSERT_ROLLOUT_SQL, [
        request.targetVersion,
        request.appliedBy ?? null,
        request.maxParallel ?? DEFAULT_MAX_PARALLEL,
        'max_failed' in budget ? budget.max_failed : null,
        'max_failed_percent' in budget ? budget.max_failed_percent : null,
        empty ? 'completed' : request.pausedBecause ? 'paused' : 'running',
        empty ? 'no tenant to bring to the target version' : (request.pausedBecause ?? null),
        request.onDrift ?? 'ignore',
      ]);
      const rolloutId = rows[0].rollout_id;
      await db.query(INSERT_WAVES_SQL, [rolloutId, sizes]);
      if (empty) await db.query(`UPDATE business_store_service.rollout_waves SET status = 'done' WHERE rollout_id = $1`, [rolloutId]);
      const waveEnds = sizes.slice(0, -1).map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));
      await db.query(INSERT_TENANTS_SQL, [rolloutId, tenantIds, waveEnds]);
      if (empty) await db.query(`UPDATE business_store_service.rollouts SET finished_at = clock_timestamp() WHERE rollout_id = $1`, [rolloutId]);
      return this.read(db, rolloutId);
    });
  }

  /** For the metrics: rollouts by status, and the tenants of unfinished rollouts by status. */
  async statusCounts(): Promise<RolloutStatusCounts> {
    const { rows } = await this.pool.query<{ status: string; n: number; queued: number; running: number; success: number; failed: number; skipped: number }>(
      `SELECT status, count(*)::int AS n,
              COALESCE(sum(queued) FILTER (WHERE finished_at IS NULL), 0)::int AS queued, COALESCE(sum(running) FILTER (WHERE finished_at IS NULL), 0)::int AS running,
              COALESCE(sum(success) FILTER (WHERE finished_at IS NULL), 0)::int AS success, COALESCE(sum(failed) FILTER (WHERE finished_at IS NULL), 0)::int AS failed,
              COALESCE(sum(skipped) FILTER (WHERE finished_at IS NULL), 0)::int AS skipped
       FROM business_store_service.rollouts GROUP BY status`,
    );
    const keys = ['queued', 'running', 'success', 'failed', 'skipped'] as const;
    const tenants = Object.fromEntries(keys.map((key) => [key, rows.reduce((sum, row) => sum + row[key], 0)]));
    return { rollouts: Object.fromEntries(rows.map((r) => [r.status, r.n])), tenants };
  }

  /** The selector's first tenant (ascending tenant id), for a dry run before the first wave. */
  async firstTenantBelow(targetVersion: number): Promise<string | undefined> {
    return (await this.attempts.tenantsBelow(this.pool, targetVersion, 1))[0];
  }

  async find(rolloutId: string): Promise<Rollout> {
    return this.read(this.pool, rolloutId);
  }

  /** Newest first, a page at a time. */
  async list(query: { status?: RolloutStatus; cursor?: string; limit: number }): Promise<{ items: Rollout[]; nextCursor: string | null }> {
    const cursor = query.cursor ? decodeRolloutCursor(query.cursor) : undefined;
    const { rows } = await this.pool.query<RolloutRow & { cursor_created_at: string }>(LIST_ROLLOUTS_SQL, [
      query.limit + 1,
      query.status ?? null,
      cursor?.createdAt ?? null,
      cursor?.rolloutId ?? null,
    ]);
    const page = rows.slice(0, query.limit);
    const waves = await this.wavesOf(page.map((r) => r.rollout_id));
    const last = page.at(-1);
    return {
      items: page.map((row) => ({ row, waves: waves.get(row.rollout_id) ?? [] })),
      nextCursor: rows.length > query.limit && last ? encodeRolloutCursor({ createdAt: last.cursor_created_at, rolloutId: last.rollout_id }) : null,
    };
  }

  /** A page of the rollout's tenants in rollout order; 404 for an unknown rollout. */
  async tenants(rolloutId: string, query: { status?: RolloutTenantStatus; after: number; limit: number }): Promise<{ items: TenantItem[]; nextPosition: number | null }> {
    await this.find(rolloutId);
    const { rows } = await this.pool.query<TenantItem>(LIST_TENANTS_SQL, [rolloutId, query.status ?? null, query.after, query.limit + 1]);
    const page = rows.slice(0, query.limit);
    // Each tenant's attempts in the order they applied (version, then age).
    const order = new Map((await this.attempts.inVersionOrder(page.flatMap((t) => t.migration_ids))).map((id, i) => [id, i]));
    for (const tenant of page) tenant.migration_ids.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    return { items: page, nextPosition: rows.length > query.limit ? page[page.length - 1].position : null };
  }

  pause(rolloutId: string): Promise<{ rollout: Rollout; logLine: string }> {
    return this.act(rolloutId, ['running'], 'pause', async (db) => {
      await db.query(`UPDATE business_store_service.rollouts SET status = 'paused', reason = 'paused on request', updated_at = clock_timestamp() WHERE rollout_id = $1`, [rolloutId]);
      return 'paused: on request';
    });
  }

  /** Continues a paused rollout; failures before now no longer count against the budget. */
  resume(rolloutId: string): Promise<{ rollout: Rollout; logLine: string }> {
    return this.act(rolloutId, ['paused'], 'resume', async (db, row) => {
      await db.query(
        `UPDATE business_store_service.rollouts
         SET status = 'running', reason = NULL, failed_forgiven = failed, ended_forgiven = success + failed, updated_at = clock_timestamp()
         WHERE rollout_id = $1`,
        [rolloutId],
      );
      return `resumed (was paused: ${row.reason ?? 'no reason'}); the ${row.failed} failure(s) so far no longer count against the budget`;
    });
  }

  /** Starts nothing new; the rollout ends once its running attempts finish. */
  cancel(rolloutId: string): Promise<{ rollout: Rollout; logLine: string }> {
    return this.act(rolloutId, ['running', 'paused'], 'cancel', async (db, row) => {
      await db.query(
        `UPDATE business_store_service.rollouts
         SET status = 'cancelled', reason = 'cancelled on request', updated_at = clock_timestamp(),
             finished_at = CASE WHEN running = 0 THEN clock_timestamp() END
         WHERE rollout_id = $1`,
        [rolloutId],
      );
      return `cancelled on request: ${row.running} running attempt(s) will finish, ${row.queued} queued tenant(s) will not start`;
    });
  }

  /** Makes the failed tenants queued again (a completed rollout runs again); they count against the budget anew. */
  retryFailed(rolloutId: string): Promise<{ rollout: Rollout; logLine: string }> {
    return this.act(rolloutId, ['running', 'paused', 'completed'], 'retry failed tenants of', async (db, row) => {
      if (row.failed === 0) throw new ConflictError(`rollout '${rolloutId}' has no failed tenant to retry`);
      await db.query(
        `UPDATE business_store_service.rollout_tenants SET status = 'queued', attempt_id = NULL, details = NULL
         WHERE rollout_id = $1 AND status = 'failed'`,
        [rolloutId],
      );
      // Their waves are open again: an earlier wave goes first, as ever.
      await db.query(
        `UPDATE business_store_service.rollout_waves w SET status = 'running'
         WHERE w.rollout_id = $1 AND w.status = 'done'
           AND EXISTS (SELECT 1 FROM business_store_service.rollout_tenants t WHERE t.rollout_id = $1 AND t.wave_index = w.wave_index AND t.status = 'queued')`,
        [rolloutId],
      );
      await db.query(
        `UPDATE business_store_service.rollouts
         SET status = CASE WHEN status = 'completed' THEN 'running' ELSE status END,
             reason = CASE WHEN status = 'completed' THEN NULL ELSE reason END,
             finished_at = NULL, failed_forgiven = 0, ended_forgiven = success, updated_at = clock_timestamp()
         WHERE rollout_id = $1`,
        [rolloutId],
      );
      return `retrying ${row.failed} failed tenant(s)`;
    });
  }

  /** An operator's action, under the rollout's row lock: 409 unless its status allows it. */
  private act(
    rolloutId: string,
    allowed: RolloutStatus[],
    what: string,
    change: (db: pg.PoolClient, row: RolloutRow) => Promise<string>,
  ): Promise<{ rollout: Rollout; logLine: string }> {
    return this.inTransaction(async (db) => {
      const row = (await db.query<RolloutRow>(LOCK_ROLLOUT_SQL, [rolloutId])).rows[0];
      if (!row) throw new NotFoundError('rollout', rolloutId);
      if (!allowed.includes(row.status)) {
        throw new ConflictError(`cannot ${what} rollout '${rolloutId}': it is ${row.status} (allowed when ${allowed.join(' or ')})`);
      }
      const logLine = await change(db, row);
      return { rollout: await this.read(db, rolloutId), logLine };
    });
  }

  private async read(db: pg.Pool | pg.PoolClient, rolloutId: string): Promise<Rollout> {
    const row = (await db.query<RolloutRow>(ROLLOUT_SQL, [rolloutId])).rows[0];
    if (!row) throw new NotFoundError('rollout', rolloutId);
    const waves = (await db.query<WaveRow>(WAVES_SQL, [rolloutId])).rows;
    return { row, waves };
  }

  private async wavesOf(rolloutIds: string[]): Promise<Map<string, WaveRow[]>> {
    const { rows } = await this.pool.query<WaveRow & { rollout_id: string }>(
      `SELECT rollout_id, wave_index, size, status, queued, running, success, failed, skipped
       FROM business_store_service.rollout_waves WHERE rollout_id = ANY($1::uuid[]) ORDER BY rollout_id, wave_index`,
      [rolloutIds],
    );
    const byRollout = new Map<string, WaveRow[]>();
    for (const { rollout_id, ...wave } of rows) byRollout.set(rollout_id, [...(byRollout.get(rollout_id) ?? []), wave]);
    return byRollout;
  }

  private async inTransaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
