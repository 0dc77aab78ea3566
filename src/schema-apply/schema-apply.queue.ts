import type { KeepJobs } from 'bullmq';

// Queue, job and scheduler names live here once. Renaming a value strands jobs already in Redis.
export const SCHEMA_APPLY_QUEUE = 'schema-apply';
export const APPLY_JOB = 'apply';

export const RECONCILE_QUEUE = 'schema-apply-reconcile';
export const RECONCILE_JOB = 'reconcile';
export const RECONCILE_SCHEDULER_ID = 'reconcile-pending';

/** The payload of docs/contract.md §5. Without migration_id the worker records the attempt itself. */
export interface ApplyJobData {
  tenant_schema_id: string;
  applied_by?: string | null;
  migration_id?: string;
  /**
   * Written by the service, never needed from a producer: the attempt's tenant and version
   * (for the board's job label; a plain BullMQ job gets them once the worker has recorded it)
   * and how many tries hit a transient fault so far.
   */
  tenant_id?: string;
  version_applied?: number;
  tries?: number;
}

/** Reported with job.updateProgress after each statement. */
export type { ApplyProgress } from '../apply/apply.types.js';

/** An attempt that ended `success` completes its job with this; `failed` fails it with the details. */
export interface ApplyJobResult {
  migration_id: string;
  status: 'success';
  details: string;
}

const DAY_S = 24 * 3600;

/** Finished jobs stay inspectable on the board for a while, failures longer, then Redis lets them go. */
export const APPLY_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 7 * DAY_S, count: 10_000 },
};
export const RECONCILE_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};
