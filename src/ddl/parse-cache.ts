import { type ParsedStatement, parseDdl } from './parse-ddl.js';

/** Enough for the versions in flight at once; each entry holds a parse tree. */
const MAX_ENTRIES = 256;
/** Longer texts are parsed every time rather than kept. */
const MAX_CACHED_LENGTH = 64 * 1024;

/**
 * Parses through a small LRU keyed by the DDL text. A fan-out applies one text to many tenants,
 * and parsing is pure. Results are frozen, since every caller shares them; failures are not kept.
 */
export class ParseCache {
  private readonly entries = new Map<string, Promise<ParsedStatement[]>>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  parse(ddl: string): Promise<ParsedStatement[]> {
    if (ddl.length > MAX_CACHED_LENGTH) return parseDdl(ddl);
    const hit = this.entries.get(ddl);
    if (hit) {
      // Re-inserting keeps Map order = least recently used first.
      this.entries.delete(ddl);
      this.entries.set(ddl, hit);
      return hit;
    }
    const parsed = parseDdl(ddl).then(deepFreeze);
    parsed.catch(() => this.entries.delete(ddl));
    this.entries.set(ddl, parsed);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const shared = new ParseCache();

/** parseDdl through the process's cache; callers must not change what it returns. */
export function parseDdlCached(ddl: string): Promise<ParsedStatement[]> {
  return shared.parse(ddl);
}
