import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/domain-errors.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type AcceptRow, AttemptsRepository } from './attempts.repository.js';
import { AuditService } from './audit.service.js';
import { type MigrationRow, recordFromRow } from './migration-record.row.js';
import type { SchemaMigration } from './schema-migration.entity.js';

export interface AttemptRequest {
  tenantSchemaId: string;
  appliedBy?: string | null;
  /** Chosen by the caller when it must be deterministic (a job recorded by the worker). */
  migrationId?: string;
  /** The BullMQ job that is this attempt, when its id is not the migration id (a job added with plain BullMQ). */
  jobId?: string;
}

/** A job added without migration_id: its own record (new, or found by a repeated delivery), or why none can be. */
export type JobAttempt = { outcome: 'recorded'; record: SchemaMigration; isNew: boolean } | { outcome: 'refused'; message: string };

export type Acceptance =
  | { outcome: 'accepted'; record: SchemaMigration }
  | { outcome: 'not-found'; message: string }
  | { outcome: 'conflict'; message: string };

/** Records new pending attempts; every route and the worker's own recording go through here. */
@Injectable()
export class AttemptsService {
  constructor(
    private readonly repository: AttemptsRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** Judges and records a batch in one round trip, results in request order. */
  async accept(requests: AttemptRequest[]): Promise<Acceptance[]> {
    if (requests.length === 0) return [];
    const rows = await this.repository.accept(
      requests.map((r) => ({ migrationId: r.migrationId ?? randomUUID(), tenantSchemaId: r.tenantSchemaId, appliedBy: r.appliedBy ?? null, jobId: r.jobId ?? null })),
    );
    const judged = rows.map(judge);
    this.metrics.attempts.inc({ status: 'pending' }, judged.filter((a) => a.outcome === 'accepted').length);
    return judged;
  }

  /**
   * Records the attempt of a job added with plain BullMQ, under the id derived from the job. A
   * repeated delivery of that job finds its own record, whatever state it is in.
   */
  async recordForJob(request: Required<Pick<AttemptRequest, 'tenantSchemaId' | 'migrationId' | 'jobId'>> & AttemptRequest): Promise<JobAttempt> {
    const [acceptance] = await this.accept([request]);
    if (acceptance.outcome === 'accepted') return { outcome: 'recorded', record: acceptance.record, isNew: true };
    try {
      return { outcome: 'recorded', record: await this.audit.findById(request.migrationId), isNew: false };
    } catch (error) {
      if (error instanceof NotFoundError) return { outcome: 'refused', message: acceptance.message };
      throw error;
    }
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

function judge(row: AcceptRow): Acceptance {
  if (row.migration_id) return { outcome: 'accepted', record: recordFromRow(row as MigrationRow) };
  if (!row.schema_tenant_id) return { outcome: 'not-found', message: `tenant schema '${row.input_schema_id}' not found` };
  const what = `version ${row.version} of tenant '${row.schema_tenant_id}'`;
  if (row.applied_id) {
    return { outcome: 'conflict', message: `${what} is already applied (migration '${row.applied_id}')` };
  }
  const pending = row.pending_id ? ` (migration '${row.pending_id}')` : '';
  return { outcome: 'conflict', message: `an attempt of ${what} is already pending${pending}` };
}
