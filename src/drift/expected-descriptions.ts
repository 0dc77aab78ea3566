import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { ReplayError, ReplayService } from '../replay/replay.service.js';
import { DESCRIBE_SQL, EXPECTED_SQL, SAVE_EXPECTED_SQL } from './drift.sql.js';
import type { DescribedObject } from './schema-description.js';

/** Bumped whenever describe_schemas describes differently: older cached descriptions no longer match. */
const DESCRIPTION_FORMAT = 1;
/** Distinct histories kept in this process's memory (the table keeps them all). */
const MEMORY_ENTRIES = 512;
/** A history that failed to replay is not replayed again for this long (a fleet check would, for every tenant). */
const FAILURE_TTL_MS = 60_000;

export interface ExpectedOf {
  tenant_id: string;
  current_version: number;
  history_key: string;
}

/** A history whose replay failed: its tenants cannot be checked. */
export class ExpectedUnknownError extends Error {}

type Db = Pick<pg.ClientBase, 'query'>;

/** Describes schemas as docs/contract.md §11 says: `(schema, object)` rows, one query for many schemas. */
export async function describeSchemas(db: Db, schemas: string[]): Promise<Map<string, DescribedObject[]>> {
  const described = new Map(schemas.map((s) => [s, [] as DescribedObject[]]));
  const { rows } = await db.query<DescribedObject & { schema_name: string }>(DESCRIBE_SQL, [schemas]);
  for (const { schema_name, ...object } of rows) described.get(schema_name)?.push(object);
  return described;
}

/**
 * What a tenant's applied definitions make of its schema, computed without touching the tenant
 * (replayed into a scratch schema, src/replay/) and kept per history of definitions: in this
 * process's memory and in drift_expected, so that tenants with the same definitions (and every
 * later check) share one replay. Concurrent requests for one history wait for the same replay.
 */
@Injectable()
export class ExpectedDescriptions {
  private readonly memory = new Map<string, Promise<DescribedObject[]>>();
  private readonly failed = new Map<string, { error: ExpectedUnknownError; until: number }>();
  private serverVersion?: Promise<string>;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly replays: ReplayService,
  ) {}

  async of(tenant: ExpectedOf): Promise<DescribedObject[]> {
    const key = `${DESCRIPTION_FORMAT}:${await this.server()}:${tenant.history_key}`;
    const failure = this.failed.get(key);
    if (failure && failure.until > Date.now()) throw failure.error;
    let expected = this.memory.get(key);
    if (!expected) {
      expected = this.load(key, tenant);
      this.memory.set(key, expected);
      if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
      expected.catch(() => this.memory.delete(key));
    }
    return expected;
  }

  private async load(key: string, tenant: ExpectedOf): Promise<DescribedObject[]> {
    const stored = (await this.pool.query<{ description: DescribedObject[] }>(EXPECTED_SQL, [key])).rows[0];
    if (stored) return stored.description;
    const history = await this.replays.historyOf(tenant.tenant_id, tenant.current_version);
    let description: DescribedObject[];
    try {
      description = await this.replays.replay(history, async ({ client, schema }) => (await describeSchemas(client, [schema])).get(schema)!);
    } catch (error) {
      // A lost connection is tried again by the caller; a definition that fails on replay stays failing.
      if (!(error instanceof ReplayError)) throw error;
      const unknown = new ExpectedUnknownError(`cannot be checked for drift: ${error.message}`);
      this.failed.set(key, { error: unknown, until: Date.now() + FAILURE_TTL_MS });
      throw unknown;
    }
    await this.pool.query(SAVE_EXPECTED_SQL, [key, JSON.stringify(description)]);
    return description;
  }

  /** PostgreSQL's deparsers may print differently after an upgrade: its version is part of the key. */
  private server(): Promise<string> {
    this.serverVersion ??= this.pool.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`).then(
      (r) => r.rows[0].v,
      (error: unknown) => {
        this.serverVersion = undefined;
        throw error;
      },
    );
    return this.serverVersion;
  }
}
