/** PostgreSQL's table lock modes, strongest first. */
export const LOCK_MODES = [
  'AccessExclusiveLock',
  'ExclusiveLock',
  'ShareRowExclusiveLock',
  'ShareLock',
  'ShareUpdateExclusiveLock',
  'RowExclusiveLock',
  'RowShareLock',
  'AccessShareLock',
] as const;

/** SHARE or stronger: blocks the tenant's writes (docs/contract.md §9, max_lock_ms). */
export const BLOCKS_WRITES = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);

/** `AccessExclusiveLock` as SQL spells it: `ACCESS EXCLUSIVE`. */
export const sqlMode = (mode: string) => mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();

const strength = (mode: string) => LOCK_MODES.indexOf(mode as (typeof LOCK_MODES)[number]);

/** A relation lock as pg_locks shows it. */
export interface HeldLock {
  relation: string;
  mode: string;
  /** A table (or materialized view), as opposed to an index or sequence. */
  table?: boolean;
}

/** Every lock once, strongest mode first, then by relation; modes as SQL names them. */
export function locksReport(locks: readonly HeldLock[]): { relation: string; mode: string }[] {
  const seen = new Set<string>();
  return locks
    .filter((l) => !seen.has(`${l.relation}/${l.mode}`) && seen.add(`${l.relation}/${l.mode}`))
    .sort((a, b) => strength(a.mode) - strength(b.mode) || a.relation.localeCompare(b.relation))
    .map((l) => ({ relation: l.relation, mode: sqlMode(l.mode) }));
}

export interface Hold {
  relation: string;
  mode: string;
  from_statement: number;
  held_ms: number;
  rows: number | null;
  bytes: number | null;
}

/** A statement that ran, with the locks it requested and when it started (ms into the run). */
export interface RanStatement {
  ordinal: number;
  locks: readonly HeldLock[];
  startedMs: number;
}

/**
 * Per relation, the strongest lock the version takes, the first statement that takes it (it is
 * held from there until COMMIT), how long this run held it (from that statement's start to
 * `endedMs`, the rollback), and the relation's rows and bytes where it existed before.
 */
export function holdsOf(statements: readonly RanStatement[], endedMs: number, stats: ReadonlyMap<string, { rows: number | null; bytes: number | null }>): Hold[] {
  const strongest = new Map<string, { mode: string; statement: RanStatement }>();
  for (const statement of statements) {
    for (const lock of statement.locks) {
      const held = strongest.get(lock.relation);
      if (!held || strength(lock.mode) < strength(held.mode)) strongest.set(lock.relation, { mode: lock.mode, statement });
    }
  }
  return [...strongest.entries()]
    .sort(([ra, a], [rb, b]) => strength(a.mode) - strength(b.mode) || ra.localeCompare(rb))
    .map(([relation, { mode, statement }]) => ({
      relation,
      mode: sqlMode(mode),
      from_statement: statement.ordinal,
      held_ms: Math.round((endedMs - statement.startedMs) * 100) / 100,
      rows: stats.get(relation)?.rows ?? null,
      bytes: stats.get(relation)?.bytes ?? null,
    }));
}

/** The first write-blocking lock among these on one of `existing` (the tenant's relations before the run). */
export function firstBlocking(locks: readonly HeldLock[], existing: ReadonlySet<string>): HeldLock | undefined {
  return [...locks]
    .filter((l) => BLOCKS_WRITES.has(l.mode) && existing.has(l.relation))
    .sort((a, b) => strength(a.mode) - strength(b.mode) || Number(b.table ?? false) - Number(a.table ?? false) || a.relation.localeCompare(b.relation))[0];
}
