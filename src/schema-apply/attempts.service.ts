import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AuditService } from '../audit/audit.service.js';
import { type MigrationRow, recordFromRow } from '../audit/migration-record.row.js';
import type { SchemaMigration } from '../audit/schema-migration.entity.js';
import { ConflictError } from '../common/domain-errors.js';
import { PG_POOL } from '../database/pg-pool.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ACCEPT_ATTEMPTS_SQL } from './attempts.sql.js';

export interface AttemptRequest {
  tenantSchemaId: string;
  appliedBy?: string | null;
  /** Chosen by the caller when it must be deterministic (a job recorded by the worker). */
  migrationId?: string;
}

export type Acceptance =
  | { outcome: 'accepted'; record: SchemaMigration }
  | { outcome: 'not-found'; message: string }
  | { outcome: 'conflict'; message: string; existingId: string | null };

type AcceptRow = Partial<MigrationRow> & {
  input_schema_id: string;
  schema_tenant_id: string | null;
  version: number | null;
  applied_id: string | null;
  pending_id: string | null;
};

/** Records new pending attempts; every route and the worker's own recording go through here. */
@Injectable()
export class AttemptsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** Judges and records a batch in one round trip, results in request order. */
  async accept(requests: AttemptRequest[]): Promise<Acceptance[]> {
    if (requests.length === 0) return [];
    const ids = requests.map((r) => r.migrationId ?? randomUUID());
    const { rows } = await this.pool.query<AcceptRow>(ACCEPT_ATTEMPTS_SQL, [
      requests.map((_, i) => i),
      ids,
      requests.map((r) => r.tenantSchemaId),
      requests.map((r) => r.appliedBy ?? null),
    ]);
    const judged = rows.map((row, i) => judge(row, ids[i]));
    this.metrics.attempts.inc({ status: 'pending' }, judged.filter((a) => a.outcome === 'accepted').length);
    return judged;
  }

  /** A new attempt for a failed record whose version is still unapplied. */
  async retry(migrationId: string, appliedBy?: string | null): Promise<Acceptance> {
    const record = await this.audit.findById(migrationId);
    if (record.status !== 'failed') {
      throw new ConflictError(`migration '${migrationId}' is ${record.status}; only a failed attempt can be retried`);
    }
    const [acceptance] = await this.accept([{ tenantSchemaId: record.tenantSchemaId, appliedBy: appliedBy ?? record.appliedBy }]);
    return acceptance;
  }
}

function judge(row: AcceptRow, requestedId: string): Acceptance {
  if (row.migration_id) return { outcome: 'accepted', record: recordFromRow(row as MigrationRow) };
  if (!row.schema_tenant_id) return { outcome: 'not-found', message: `tenant schema '${row.input_schema_id}' not found` };
  const what = `version ${row.version} of tenant '${row.schema_tenant_id}'`;
  if (row.applied_id) {
    return { outcome: 'conflict', message: `${what} is already applied (migration '${row.applied_id}')`, existingId: row.applied_id };
  }
  if (row.pending_id === requestedId) {
    // Recorded by an earlier delivery of the same job: the same attempt, not a new one.
    return { outcome: 'conflict', message: `migration '${requestedId}' is already recorded`, existingId: requestedId };
  }
  const pending = row.pending_id ? ` (migration '${row.pending_id}')` : '';
  return { outcome: 'conflict', message: `an attempt of ${what} is already pending${pending}`, existingId: row.pending_id };
}
