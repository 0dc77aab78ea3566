import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { SchemaApplyProducer } from './schema-apply.producer.js';

/** Older than this, a pending record should have a job; younger ones may be mid-enqueue. */
const GRACE_SECONDS = 5;
const BATCH = 1000;

export interface ReconcileResult {
  checked: number;
  enqueued: number;
  retried: number;
}

/**
 * Finds pending records that no job will finish (a failed enqueue, Redis losing its data,
 * a removed job, a job that ran out of tries) and gives each a job again. Safe to repeat:
 * job ids are migration ids, and the apply re-checks the record under the tenant lock.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly producer: SchemaApplyProducer,
  ) {}

  async run(): Promise<ReconcileResult> {
    const { rows } = await this.pool.query<{ migration_id: string; tenant_schema_id: string; applied_by: string | null }>(
      `SELECT migration_id, tenant_schema_id, applied_by
       FROM business_store_service.schema_migrations
       WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at
       LIMIT $2`,
      [GRACE_SECONDS, BATCH],
    );
    const missing: typeof rows = [];
    let retried = 0;
    for (const row of rows) {
      const job = await this.producer.queue.getJob(row.migration_id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed') {
        await job!.retry('failed');
        retried++;
      } else if (state === 'completed' || state === 'missing' || state === 'unknown') {
        await job?.remove();
        missing.push(row);
      }
    }
    await this.producer.enqueue(
      missing.map((r) => ({ migrationId: r.migration_id, tenantSchemaId: r.tenant_schema_id, appliedBy: r.applied_by })),
    );
    const result = { checked: rows.length, enqueued: missing.length, retried };
    if (missing.length || retried) this.logger.warn(`reconciled pending attempts: ${JSON.stringify(result)}`);
    return result;
  }
}
