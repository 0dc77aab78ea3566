import type { KeepJobs } from 'bullmq';

// Queue, job and scheduler names live here once. Renaming a value strands jobs already in Redis.
/** One job per rollout (docs/contract.md §5): its progress is the rollout's counts, its log the waves, pauses and the end. */
export const ROLLOUTS_QUEUE = 'rollouts';
export const ROLLOUT_JOB = 'rollout';

/** The safety net for lost wake-ups and a lost Redis: every unfinished rollout has its job. */
export const ROLLOUT_SWEEP_QUEUE = 'rollout-sweep';
export const ROLLOUT_SWEEP_JOB = 'sweep';
export const ROLLOUT_SWEEP_SCHEDULER_ID = 'rollout-sweep';
export const ROLLOUT_SWEEP_EVERY_MS = 15_000;

export interface RolloutJobData {
  rollout_id: string;
  /** For the board's label only. */
  target_version?: number;
  total?: number;
}

const DAY_S = 24 * 3600;
export const ROLLOUT_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { age: 30 * DAY_S, count: 1000 },
  removeOnFail: { age: 30 * DAY_S, count: 1000 },
};
export const SWEEP_JOBS_KEPT: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs } = {
  removeOnComplete: { count: 50 },
  removeOnFail: { count: 100 },
};
