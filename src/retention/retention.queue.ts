import type { KeepJobs } from 'bullmq';

// Queue, job and scheduler names live here once. Renaming a value strands jobs and the scheduler already in Redis.
export const RETENTION_QUEUE = 'retention';
export const PURGE_JOB = 'purge';
export const RETENTION_SCHEDULER_ID = 'retention-purge';

/** Reported with job.updateProgress after each batch. */
export interface PurgeProgress {
  deleted: number;
}

export const PURGE_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};
