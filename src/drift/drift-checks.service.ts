import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type pg from 'pg';
import { AttemptsRepository } from '../audit/attempts.repository.js';
import { NotFoundError } from '../common/domain-errors.js';
import { PG_POOL } from '../database/pg-pool.js';
import type { DriftStatusCounts } from '../metrics/metrics.service.js';
import type { DriftStatus, TenantDrift } from './drift.service.js';
import {
  CHECK_SQL,
  CHECK_TENANTS_SQL,
  COMPLETE_CHECK_SQL,
  CREATE_CHECK_SQL,
  LATEST_COMPLETED_SQL,
  NEXT_QUEUED_SQL,
  RECORD_RESULTS_SQL,
  RUNNING_CHECKS_SQL,
} from './drift.sql.js';
import { DRIFT_CHECK_JOB, DRIFT_JOBS_KEPT, DRIFT_QUEUE, type DriftCheckJobData } from './drift.queue.js';
import type { Difference } from './schema-description.js';

export interface DriftCheckRow {
  check_id: string;
  status: 'running' | 'completed';
  total: number;
  in_sync: number;
  drifted: number;
  skipped: number;
  created_at: Date;
  finished_at: Date | null;
}

export interface CheckTenantRow {
  tenant_id: string;
  status: DriftStatus | 'queued';
  current_version: number | null;
  differences: Difference[] | null;
  details: string | null;
  checked_at: Date | null;
}

/**
 * Fleet drift checks: their state (drift_checks, drift_check_tenants) and their jobs on queue
 * `drift` (id = check id). A check's tenants are fixed when it is created, queued, and checked in
 * batches by the job; a job that is lost or retried goes on with the tenants still queued.
 */
@Injectable()
export class DriftChecks {
  private readonly logger = new Logger(DriftChecks.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @InjectQueue(DRIFT_QUEUE) private readonly queue: Queue<DriftCheckJobData>,
    private readonly attempts: AttemptsRepository,
  ) {}

  /** `tenantIds` omitted: every tenant with an applied version. */
  async create(tenantIds?: string[]): Promise<DriftCheckRow> {
    const tenants = tenantIds ? [...new Set(tenantIds.map((id) => id.toLowerCase()))] : await this.attempts.appliedTenants();
    const check = (await this.pool.query<DriftCheckRow>(CREATE_CHECK_SQL, [tenants])).rows[0];
    this.logger.log({ msg: `drift check created: ${check.total} tenant(s)`, check_id: check.check_id });
    await this.start(check);
    return check;
  }

  /** Adds the check's job (again, if Redis lost it); a no-op while it exists. */
  async start(check: Pick<DriftCheckRow, 'check_id' | 'total'>): Promise<void> {
    try {
      const existing = await this.queue.getJob(check.check_id);
      if (existing && !(await existing.isCompleted()) && !(await existing.isFailed())) return;
      await existing?.remove();
      await this.queue.add(DRIFT_CHECK_JOB, { check_id: check.check_id, total: check.total }, { jobId: check.check_id, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, ...DRIFT_JOBS_KEPT });
    } catch (error) {
      // The sweep adds it once Redis answers again; the check itself is safe in PostgreSQL.
      this.logger.warn({ msg: `drift check job deferred to the sweep: ${(error as Error).message}`, check_id: check.check_id });
    }
  }

  async find(checkId: string): Promise<DriftCheckRow> {
    const check = (await this.pool.query<DriftCheckRow>(CHECK_SQL, [checkId])).rows[0];
    if (!check) throw new NotFoundError('drift check', checkId);
    return check;
  }

  async running(): Promise<DriftCheckRow[]> {
    const ids = (await this.pool.query<{ check_id: string }>(RUNNING_CHECKS_SQL)).rows;
    return Promise.all(ids.map((r) => this.find(r.check_id)));
  }

  async latestCompleted(): Promise<DriftCheckRow | undefined> {
    return (await this.pool.query<DriftCheckRow>(LATEST_COMPLETED_SQL)).rows[0];
  }

  async latestCounts(): Promise<DriftStatusCounts | null> {
    return (await this.latestCompleted()) ?? null;
  }

  async tenants(checkId: string, page: { status?: DriftStatus | 'queued'; after?: string; limit: number }): Promise<{ items: CheckTenantRow[]; next: string | null }> {
    await this.find(checkId);
    const rows = (await this.pool.query<CheckTenantRow>(CHECK_TENANTS_SQL, [checkId, page.status ?? null, page.after ?? null, page.limit + 1])).rows;
    const items = rows.slice(0, page.limit);
    return { items, next: rows.length > page.limit ? items[items.length - 1].tenant_id : null };
  }

  async nextQueued(checkId: string, limit: number): Promise<string[]> {
    return (await this.pool.query<{ tenant_id: string }>(NEXT_QUEUED_SQL, [checkId, limit])).rows.map((r) => r.tenant_id);
  }

  /** Stores a batch's results (tenants checked twice, by a retried job, count once); returns the check's counts. */
  async record(checkId: string, results: TenantDrift[]): Promise<DriftCheckRow> {
    return (
      await this.pool.query<DriftCheckRow>(RECORD_RESULTS_SQL, [
        checkId,
        results.map((r) => r.tenant_id),
        results.map((r) => r.status),
        results.map((r) => r.current_version),
        results.map((r) => JSON.stringify(r.differences)),
        results.map((r) => r.details),
      ])
    ).rows[0];
  }

  async complete(checkId: string): Promise<DriftCheckRow> {
    return (await this.pool.query<DriftCheckRow>(COMPLETE_CHECK_SQL, [checkId])).rows[0] ?? this.find(checkId);
  }
}
