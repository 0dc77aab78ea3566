/**
 * How jobs read on the board. Job names stay what BullMQ and producers use (`apply`); these
 * labels only change what the board shows, from what the job itself carries (no database call).
 */

interface LabelledJob {
  name?: string;
  data?: unknown;
}

const short = (id: string) => `${id.slice(0, 8)}…`;

/** `apply · tenant 4b1f0c2e… · v3`, or as much of it as the job knows yet. */
export function applyJobLabel(job: LabelledJob): string {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const name = job.name || 'apply';
  if (typeof data.tenant_id === 'string' && typeof data.version_applied === 'number') {
    return `${name} · tenant ${short(data.tenant_id)} · v${data.version_applied}`;
  }
  if (typeof data.migration_id === 'string') return `${name} · migration ${short(data.migration_id)}`;
  return name;
}

export const RECONCILE_JOB_LABEL = 'reconcile pending attempts';
export const PURGE_JOB_LABEL = 'retention purge';

/** `rollout · v3 · 10000 tenants`. */
export function rolloutJobLabel(job: LabelledJob): string {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const parts = [job.name || 'rollout'];
  if (typeof data.target_version === 'number') parts.push(`v${data.target_version}`);
  if (typeof data.total === 'number') parts.push(`${data.total} tenant${data.total === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export const SWEEP_JOB_LABEL = 'rollout sweep';

/** `drift check · 10000 tenants`. */
export function driftJobLabel(job: LabelledJob): string {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const total = typeof data.total === 'number' ? ` · ${data.total} tenant${data.total === 1 ? '' : 's'}` : '';
  return `drift check${total}`;
}
