import type { KeepJobs } from 'bullmq';

// Queue and job names live here once. Renaming a value strands jobs already in Redis.
/** One job per fleet drift check (docs/contract.md §11): its progress is the check's counts. */
export const DRIFT_QUEUE = 'drift';
export const DRIFT_CHECK_JOB = 'drift-check';

export interface DriftCheckJobData {
  check_id: string;
  /** For the board's label only. */
  total?: number;
}

const DAY_S = 24 * 3600;
export const DRIFT_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { age: 30 * DAY_S, count: 1000 },
  removeOnFail: { age: 30 * DAY_S, count: 1000 },
};
