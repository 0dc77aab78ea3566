import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import {
  ACCEPT_ATTEMPTS_SQL,
  APPLIED_TENANTS_SQL,
  ANY_ENDED_SQL,
  ATTEMPT_JOB_IDS_SQL,
  ATTEMPT_READY_SQL,
  BY_ID_SQL,
  COUNT_PURGEABLE_SQL,
  DRIFT_STANDING_SQL,
  END_ATTEMPT_SQL,
  ENDED_AMONG_SQL,
  FLEET_VERSIONS_SQL,
  FOR_DEFINITION_SQL,
  LATEST_SUCCESS_SQL,
  LOCK_TENANT_OF_SQL,
  NEXT_DEFINITION_SQL,
  PENDING_SQL,
  PURGE_BATCH_SQL,
  RECORD_FOR_ROLLOUT_SQL,
  STANDING_SQL,
  TENANT_STANDING_SQL,
  TENANTS_BELOW_SQL,
  tenantHistorySql,
  VERSIONS_OF_SQL,
} from './attempts.sql.js';
import { type MigrationRow } from './migration-record.row.js';
import type { MigrationStatus } from './schema-migration.entity.js';

/** One input of a batch to record; ord is its position in the request. */
export interface AttemptInput {
  migrationId: string;
  tenantSchemaId: string;
  appliedBy: string | null;
  jobId: string | null;
}

/** A recorded attempt, or why none was: the definition's tenant and version, and the attempt already applied or pending. */
export type AcceptRow = Partial<MigrationRow> & {
  input_schema_id: string;
  schema_tenant_id: string | null;
  version: number | null;
  applied_id: string | null;
  pending_id: string | null;
};

/** A pending attempt, with the job of one added with plain BullMQ (whose job id is not its migration id). */
export interface PendingAttempt {
  migration_id: string;
  tenant_schema_id: string;
  tenant_id: string;
  version_applied: number;
  applied_by: string | null;
  job_id: string | null;
}

export interface EndedAttempt {
  migration_id: string;
  status: 'success' | 'failed';
  version_applied: number;
  details: string | null;
}

export interface EndRow {
  ended: number;
  waiting: string[];
}

/** Where a rollout's tenant stands: its current version, a pending attempt to follow, the first version without a definition. */
/** A tenant for a drift check: its version, an apply in progress, and the key of the definitions that made it. */
export interface DriftStanding {
  tenant_id: string;
  current_version: number;
  pending_id: string | null;
  history_key: string | null;
}

export interface FleetVersion {
  version: number;
  tenants: number;
  pending: number;
  failed: number;
}

export interface TenantStanding {
  tenant_id: string;
  current_version: number;
  pending_id: string | null;
  missing_version: number | null;
}

/** A history row: the attempt's fields with its timestamps already in the API's format. */
export type HistoryRow = Omit<MigrationRow, 'created_at' | 'updated_at'> & { created_at_iso: string; updated_at_iso: string; cursor_created_at: string };

type Db = Pick<pg.ClientBase, 'query'>;

/**
 * The one owner of schema_migrations (the audit log) and attempt_jobs: every read and write of
 * them from the service runs here, on the pool or on a connection in the caller's transaction
 * (`db`). Recording (single, bulk, for a job, for a rollout), ending, standing and current
 * version, history, the reconciler's pending attempts and the purge.
 */
@Injectable()
export class AttemptsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Judges and records a batch in one round trip, rows in input order. */
  async accept(inputs: AttemptInput[]): Promise<AcceptRow[]> {
    const { rows } = await this.pool.query<AcceptRow>(ACCEPT_ATTEMPTS_SQL, [
      inputs.map((_, i) => i),
      inputs.map((i) => i.migrationId),
      inputs.map((i) => i.tenantSchemaId),
      inputs.map((i) => i.appliedBy),
      inputs.map((i) => i.jobId),
    ]);
    return rows;
  }

  /** A rollout's next attempts, in the rollout's transaction; a tenant with another pending attempt is skipped. */
  async recordForRollout(
    db: Db,
    steps: { tenantId: string; version: number }[],
    appliedBy: string | null,
  ): Promise<{ migration_id: string; tenant_schema_id: string; tenant_id: string; version_applied: number; applied_by: string | null }[]> {
    const { rows } = await db.query<{ migration_id: string; tenant_schema_id: string; tenant_id: string; version_applied: number; applied_by: string | null }>(
      RECORD_FOR_ROLLOUT_SQL,
      [steps.map((s) => s.tenantId), steps.map((s) => s.version), appliedBy],
    );
    return rows;
  }

  async jobIdsOf(migrationIds: string[]): Promise<Map<string, string>> {
    if (migrationIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ migration_id: string; job_id: string }>(ATTEMPT_JOB_IDS_SQL, [migrationIds]);
    return new Map(rows.map((r) => [r.migration_id, r.job_id]));
  }

  async findRow(migrationId: string): Promise<MigrationRow | undefined> {
    const { rows } = await this.pool.query<MigrationRow>({ name: 'migration_by_id', text: BY_ID_SQL, values: [migrationId] });
    return rows[0];
  }

  async statusOf(migrationId: string): Promise<MigrationStatus | undefined> {
    return (await this.findRow(migrationId))?.status;
  }

  /** Ends a pending attempt once its tenant's lock is free (its tries are used up for a reason outside the DDL); undefined if it does not exist. */
  async endWhenTenantFree(migrationId: string, status: 'failed', details: string): Promise<(EndRow & { tenantId: string }) | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const attempt = (await client.query<{ tenant_id: string }>(LOCK_TENANT_OF_SQL, [migrationId])).rows[0];
      if (!attempt) {
        await client.query('ROLLBACK');
        return undefined;
      }
      const { rows } = await client.query<EndRow>(END_ATTEMPT_SQL, [migrationId, status, details]);
      await client.query('COMMIT');
      return { ...rows[0], tenantId: attempt.tenant_id };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** For a parked attempt: whether what it waited for is over (the tenant's lock is only probed, not kept). */
  async isReady(migrationId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ ready: boolean }>(ATTEMPT_READY_SQL, [migrationId]);
    return rows[0]?.ready ?? true;
  }

  /** Where a tenant's versions stand for `version`: its current version, and whether version - 1 is pending. */
  /** A tenant's current version, whether version `version` - 1 is pending, and one pending attempt if any. */
  async standing(tenantId: string, version: number): Promise<{ current_version: number; previous_pending: boolean; pending_id: string | null }> {
    return (await this.pool.query<{ current_version: number; previous_pending: boolean; pending_id: string | null }>(STANDING_SQL, [tenantId, version])).rows[0];
  }

  /** A tenant's current version and the attempt that made it (its latest success). */
  async latestSuccess(tenantId: string): Promise<{ migration_id: string; version_applied: number; updated_at: Date } | undefined> {
    return (await this.pool.query<{ migration_id: string; version_applied: number; updated_at: Date }>(LATEST_SUCCESS_SQL, [tenantId])).rows[0];
  }

  /** Every attempt at one definition, newest first; undefined when the definition does not exist. */
  async forDefinition(schemaId: string, status?: MigrationStatus): Promise<MigrationRow[] | undefined> {
    const { rows } = await this.pool.query<MigrationRow>(FOR_DEFINITION_SQL, [schemaId, status ?? null]);
    if (rows.length === 0) return undefined;
    return rows.filter((row) => row.migration_id !== null);
  }

  /** A page of a tenant's attempts, newest first, with one more row when a next page exists. */
  async history(tenantId: string, page: { limit: number; status?: MigrationStatus; cursor?: { createdAt: string; migrationId: string } }): Promise<HistoryRow[]> {
    const { name, sql, params } = tenantHistorySql(tenantId, page);
    return (await this.pool.query<HistoryRow>({ name, text: sql, values: params })).rows;
  }

  /** Pending attempts older than `graceSeconds`, oldest first. */
  async pending(graceSeconds: number, limit: number): Promise<PendingAttempt[]> {
    return (await this.pool.query<PendingAttempt>(PENDING_SQL, [graceSeconds, limit])).rows;
  }

  // ---- for rollouts ----

  /** Every tenant with a definition of `version` that is below it, ascending. */
  async tenantsBelow(db: Db, version: number, limit?: number): Promise<string[]> {
    const sql = limit === undefined ? TENANTS_BELOW_SQL : `${TENANTS_BELOW_SQL} LIMIT ${Math.trunc(limit)}`;
    return (await db.query<{ tenant_id: string }>(sql, [version])).rows.map((r) => r.tenant_id);
  }

  async tenantStanding(db: Db, tenantIds: string[], target: number): Promise<TenantStanding[]> {
    return (await db.query<TenantStanding>(TENANT_STANDING_SQL, [tenantIds, target])).rows;
  }

  async endedAmong(db: Db, migrationIds: string[]): Promise<EndedAttempt[]> {
    if (migrationIds.length === 0) return [];
    return (await db.query<EndedAttempt>(ENDED_AMONG_SQL, [migrationIds])).rows;
  }

  async anyEnded(migrationIds: string[]): Promise<boolean> {
    if (migrationIds.length === 0) return false;
    return (await this.pool.query<{ ended: boolean }>(ANY_ENDED_SQL, [migrationIds])).rows[0].ended;
  }

  /** These attempts in the order they applied (version, then age). */
  async inVersionOrder(migrationIds: string[]): Promise<string[]> {
    if (migrationIds.length === 0) return [];
    return (await this.pool.query<{ migration_id: string }>(VERSIONS_OF_SQL, [migrationIds])).rows.map((r) => r.migration_id);
  }

  /** A tenant's next definition, if its version is at most `target`. */
  async nextDefinition(tenantId: string, target: number): Promise<{ schema_id: string; version: number } | undefined> {
    return (await this.pool.query<{ schema_id: string; version: number }>(NEXT_DEFINITION_SQL, [tenantId, target])).rows[0];
  }

  // ---- for drift and the fleet ----

  async driftStanding(db: Db, tenantIds: string[]): Promise<DriftStanding[]> {
    if (tenantIds.length === 0) return [];
    return (await db.query<DriftStanding>(DRIFT_STANDING_SQL, [tenantIds])).rows;
  }

  async appliedTenants(): Promise<string[]> {
    return (await this.pool.query<{ tenant_id: string }>(APPLIED_TENANTS_SQL)).rows.map((r) => r.tenant_id);
  }

  async fleetVersions(): Promise<FleetVersion[]> {
    return (await this.pool.query<FleetVersion>(FLEET_VERSIONS_SQL)).rows;
  }

  // ---- retention ----

  async countPurgeable(cutoff: Date): Promise<number> {
    return Number((await this.pool.query<{ n: string }>(COUNT_PURGEABLE_SQL, [cutoff])).rows[0].n);
  }

  async purgeBatch(cutoff: Date, limit: number): Promise<number> {
    return (await this.pool.query<{ deleted: number }>(PURGE_BATCH_SQL, [cutoff, limit])).rows[0].deleted;
  }
}
