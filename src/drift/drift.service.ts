import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AttemptsRepository, type DriftStanding } from '../audit/attempts.repository.js';
import { ConflictError, NotFoundError } from '../common/domain-errors.js';
import { PG_POOL } from '../database/pg-pool.js';
import { tenantSchemaName } from '../ddl/tenant-schema-name.js';
import { describeSchemas, ExpectedDescriptions, ExpectedUnknownError } from './expected-descriptions.js';
import { compareDescriptions, type DescribedObject, type Difference } from './schema-description.js';

export type DriftStatus = 'in_sync' | 'drifted' | 'skipped';

/** One tenant's drift as a check found it; `details` says why a tenant was skipped. */
export interface TenantDrift {
  tenant_id: string;
  current_version: number | null;
  status: DriftStatus;
  differences: Difference[];
  details: string | null;
  /** Why it was skipped: an apply in progress, or its expected schema unknown (its versions fail on replay). */
  skipped?: 'apply_in_progress' | 'expected_unknown';
}

const stands = (s: DriftStanding) => `${s.current_version}/${s.pending_id}/${s.history_key}`;

/**
 * Whether tenants' schemas are what their applied versions made them (docs/contract.md §11).
 * For a batch: where the tenants stand; their expected descriptions (one per distinct history);
 * their actual descriptions, in one query; where they stand again. A tenant with an attempt
 * pending, or whose standing moved during the check, is skipped: an apply in progress is not drift.
 */
@Injectable()
export class DriftService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly attempts: AttemptsRepository,
    private readonly expected: ExpectedDescriptions,
  ) {}

  /** One tenant: 404 without a definition, 409 while an attempt is pending or when its expected schema is unknown. */
  async ofTenant(tenantId: string): Promise<TenantDrift> {
    const [drift] = await this.check([tenantId]);
    if (!drift) throw new NotFoundError('tenant', tenantId);
    if (drift.status === 'skipped') throw new ConflictError(`tenant '${tenantId}' ${drift.details}`);
    return drift;
  }

  /** Tenants without a definition are left out of the result. */
  async check(tenantIds: string[]): Promise<TenantDrift[]> {
    const before = await this.attempts.driftStanding(this.pool, tenantIds);
    const results = new Map<string, TenantDrift>();
    const compared: { standing: DriftStanding; expected: Promise<DescribedObject[]> }[] = [];
    const result = (s: DriftStanding, status: DriftStatus, details: string | null, differences: Difference[] = [], skipped?: TenantDrift['skipped']) =>
      results.set(s.tenant_id, { tenant_id: s.tenant_id, current_version: s.current_version, status, differences, details, ...(skipped ? { skipped } : {}) });
    for (const s of before) {
      if (s.pending_id) result(s, 'skipped', `has an attempt in progress (migration ${s.pending_id}): an apply in progress is not drift`, [], 'apply_in_progress');
      else if (s.current_version === 0) result(s, 'in_sync', null);
      else compared.push({ standing: s, expected: this.expected.of({ tenant_id: s.tenant_id, current_version: s.current_version, history_key: s.history_key! }) });
    }
    if (compared.length > 0) {
      // The replays (if any) run while the tenants are described.
      const [, actual] = await Promise.all([
        Promise.allSettled(compared.map((c) => c.expected)),
        describeSchemas(this.pool, compared.map((c) => tenantSchemaName(c.standing.tenant_id))),
      ]);
      const after = new Map((await this.attempts.driftStanding(this.pool, compared.map((c) => c.standing.tenant_id))).map((s) => [s.tenant_id, s]));
      for (const { standing, expected } of compared) {
        const now = after.get(standing.tenant_id);
        if (!now || stands(now) !== stands(standing)) {
          result(standing, 'skipped', 'had an attempt run during the check: an apply in progress is not drift', [], 'apply_in_progress');
          continue;
        }
        let wanted: DescribedObject[];
        try {
          wanted = await expected;
        } catch (error) {
          if (!(error instanceof ExpectedUnknownError)) throw error;
          result(standing, 'skipped', error.message, [], 'expected_unknown');
          continue;
        }
        const differences = compareDescriptions(wanted, actual.get(tenantSchemaName(standing.tenant_id)) ?? []);
        result(standing, differences.length > 0 ? 'drifted' : 'in_sync', null, differences);
      }
    }
    return tenantIds.flatMap((id) => results.get(id) ?? []);
  }
}
