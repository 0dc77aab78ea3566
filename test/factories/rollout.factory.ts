import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { bearer, type TestApp, TOKENS } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** Stores the same versions for many new tenants at once, straight in the table (as a DBA could); returns the tenant ids in order. */
export async function defineFleet(db: pg.Pool, count: number, ddls: string[]): Promise<string[]> {
  const tenantIds = Array.from({ length: count }, () => randomUUID());
  await defineFor(db, tenantIds, ddls);
  return tenantIds;
}

/** Stores versions 1..n (or from `firstVersion`) for each of these tenants. */
export async function defineFor(db: pg.Pool, tenantIds: string[], ddls: string[], firstVersion = 1): Promise<void> {
  await db.query(
    `INSERT INTO business_store_service.tenant_schemas (tenant_id, version, ddl)
     SELECT t.tenant_id, $3 + v.i - 1, v.ddl FROM unnest($1::uuid[]) AS t(tenant_id), unnest($2::text[]) WITH ORDINALITY AS v(ddl, i)`,
    [tenantIds, ddls, firstVersion],
  );
}

export interface RolloutJson {
  rollout_id: string;
  status: string;
  reason: string | null;
  failure_budget: { max_failed: number } | { max_failed_percent: number };
  waves: { index: number; size: number; status: string }[];
  counts: { total: number; queued: number; running: number; success: number; failed: number; skipped: number };
  finished_at: string | null;
}

export async function createRollout(t: TestApp, body: object): Promise<RolloutJson> {
  const res = await t.http().post('/v1/rollouts').set(bearer(TOKENS.writer)).send(body);
  if (res.status !== 201) throw new Error(`creating a rollout failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RolloutJson;
}

export async function getRollout(t: TestApp, id: string): Promise<RolloutJson> {
  return (await t.http().get(`/v1/rollouts/${id}`).set(bearer(TOKENS.reader)).expect(200)).body as RolloutJson;
}

export function rolloutReaches(t: TestApp, id: string, what: string, done: (r: RolloutJson) => boolean, timeoutMs = 60_000): Promise<RolloutJson> {
  return waitFor(`rollout ${id} to be ${what}`, async () => {
    const r = await getRollout(t, id);
    return done(r) ? r : undefined;
  }, timeoutMs);
}

export interface RolloutTenantJson {
  tenant_id: string;
  status: string;
  from_version: number | null;
  current_version: number | null;
  migration_ids: string[];
  details: string | null;
}

/** Every tenant of the rollout, following the cursor. */
export async function rolloutTenants(t: TestApp, id: string, status?: string): Promise<RolloutTenantJson[]> {
  const items: RolloutTenantJson[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { limit: '500', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) };
    const res = await t.http().get(`/v1/rollouts/${id}/tenants`).query(query).set(bearer(TOKENS.reader)).expect(200);
    const page = res.body as { items: RolloutTenantJson[]; next_cursor: string | null };
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
