/**
 * What the apply announces (Nest's event emitter, in the process that ran the attempt), so
 * that others can follow without the apply knowing them: a rollout wakes when one of its
 * attempts ends. A lost event (the process died) is caught by the listener's own safety net.
 */
export const ATTEMPT_ENDED = 'attempt.ended';

export interface AttemptEnded {
  migrationId: string;
  tenantId: string;
  status: 'success' | 'failed';
}
