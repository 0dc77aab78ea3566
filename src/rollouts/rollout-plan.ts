/** Pure rules of a rollout: wave sizes and the failure budget. */

/** A wave's size as given: a count of tenants, or a percentage of the rollout's tenants (`"25%"`). */
export type WaveSpec = number | `${number}%`;

export type FailureBudget = { max_failed: number } | { max_failed_percent: number };

export const DEFAULT_MAX_PARALLEL = 64;
export const DEFAULT_FAILURE_BUDGET: FailureBudget = { max_failed: 0 };

/**
 * The sizes of the waves for `total` tenants: the given waves in order (a percentage rounds up,
 * so "1%" of a small fleet is still one tenant), each cut to what is left, then the rest as
 * the last wave. Empty waves are dropped; a rollout has at least one wave.
 */
export function waveSizes(specs: readonly WaveSpec[], total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  for (const spec of specs) {
    const wanted = typeof spec === 'number' ? spec : Math.ceil((total * Number(spec.slice(0, -1))) / 100);
    const size = Math.min(wanted, left);
    if (size > 0) sizes.push(size);
    left -= size;
  }
  if (left > 0 || sizes.length === 0) sizes.push(left);
  return sizes;
}

/** Failures and ended tenants that count against the budget: those since the last resume. */
export interface BudgetCounts {
  failed: number;
  /** success + failed: tenants whose attempts ended. */
  ended: number;
}

/** Why the budget is exceeded (the rollout pauses), or undefined while it holds. */
export function budgetExceeded(budget: FailureBudget, counts: BudgetCounts): string | undefined {
  if ('max_failed' in budget) {
    return counts.failed > budget.max_failed
      ? `failure budget exceeded: ${counts.failed} tenant(s) failed, at most ${budget.max_failed} allowed`
      : undefined;
  }
  if (counts.ended === 0) return undefined;
  const percent = (100 * counts.failed) / counts.ended;
  return percent > budget.max_failed_percent
    ? `failure budget exceeded: ${counts.failed} of ${counts.ended} ended tenant(s) failed (${round(percent)}%), at most ${budget.max_failed_percent}% allowed`
    : undefined;
}

const round = (n: number) => Math.round(n * 10) / 10;
