// Queue, job and scheduler names live here once. Renaming a value strands jobs already in Redis.
export const SCHEMA_APPLY_QUEUE = 'schema-apply';
export const APPLY_JOB = 'apply';

export const RECONCILE_QUEUE = 'schema-apply-reconcile';
export const RECONCILE_JOB = 'reconcile';
export const RECONCILE_SCHEDULER_ID = 'reconcile-pending';

/** The contract's payload (§5). Without migration_id the worker records the attempt itself. */
export interface ApplyJobData {
  tenant_schema_id: string;
  applied_by?: string | null;
  migration_id?: string;
}

/** Reported with job.updateProgress after each statement. */
export interface ApplyProgress {
  applied: number;
  total: number;
}
