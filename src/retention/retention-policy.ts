const DAY_MS = 24 * 60 * 60 * 1000;

/** Records created before the cutoff may be purged; `days` 0 keeps everything (no cutoff). */
export function cutoffFor(days: number, now: Date = new Date()): Date | null {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : null;
}
