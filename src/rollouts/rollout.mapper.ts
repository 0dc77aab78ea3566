import type { FailureBudget } from './rollout-plan.js';

export const ROLLOUT_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];
export const ROLLOUT_TENANT_STATUSES = ['queued', 'running', 'success', 'failed', 'skipped'] as const;
export type RolloutTenantStatus = (typeof ROLLOUT_TENANT_STATUSES)[number];

/** A rollouts row as `pg` returns it. */
export interface RolloutRow {
  rollout_id: string;
  status: RolloutStatus;
  reason: string | null;
  target_version: number;
  applied_by: string | null;
  max_parallel: number;
  max_failed: number | null;
  max_failed_percent: number | null;
  total: number;
  queued: number;
  running: number;
  success: number;
  failed: number;
  skipped: number;
  failed_forgiven: number;
  ended_forgiven: number;
  on_drift: 'ignore' | 'skip';
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export interface WaveRow {
  wave_index: number;
  size: number;
  status: 'pending' | 'running' | 'done';
  /** Its tenants by status, kept by the same triggers as the rollout's counts. */
  queued?: number;
  running?: number;
  success?: number;
  failed?: number;
  skipped?: number;
}

export type RolloutCounts = Pick<RolloutRow, 'total' | 'queued' | 'running' | 'success' | 'failed' | 'skipped'>;

export function countsOf(row: RolloutRow): RolloutCounts {
  return { total: row.total, queued: row.queued, running: row.running, success: row.success, failed: row.failed, skipped: row.skipped };
}

export function budgetOf(row: Pick<RolloutRow, 'max_failed' | 'max_failed_percent'>): FailureBudget {
  return row.max_failed !== null ? { max_failed: row.max_failed } : { max_failed_percent: row.max_failed_percent ?? 0 };
}

/** A rollout at the JSON boundary (docs/contract.md §7). */
export function toRolloutJson(row: RolloutRow, waves: WaveRow[]) {
  return {
    rollout_id: row.rollout_id,
    status: row.status,
    reason: row.reason,
    target_version: row.target_version,
    applied_by: row.applied_by,
    max_parallel: row.max_parallel,
    failure_budget: budgetOf(row),
    on_drift: row.on_drift,
    waves: waves.map((w) => ({ index: w.wave_index, size: w.size, status: w.status })),
    counts: countsOf(row),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

export type RolloutJson = ReturnType<typeof toRolloutJson>;
