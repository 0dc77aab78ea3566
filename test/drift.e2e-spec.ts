import { randomUUID } from 'node:crypto';
import { ended, tenantSchema } from './factories/api.factory.js';
import { createRollout, rolloutReaches, rolloutTenants } from './factories/rollout.factory.js';
import { TRUSTED_VERSIONS } from './corpus/trusted-versions.js';
import { TWENTY_VERSIONS } from './corpus/twenty-versions.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { waitFor } from './support/wait-for.js';

interface Version {
  ddl: string;
  policy?: 'strict' | 'trusted';
  transactional?: boolean;
}
interface Difference {
  change: string;
  object_type: string;
  name: string;
  expected: string | null;
  actual: string | null;
}
interface Drift {
  tenant_id: string;
  current_version: number;
  status: string;
  checked_at: string;
  differences: Difference[];
}
interface Check {
  check_id: string;
  status: string;
  counts: { total: number; in_sync: number; drifted: number; skipped: number };
  finished_at: string | null;
}
interface CheckTenant {
  tenant_id: string;
  status: string;
  differences: Difference[];
  details: string | null;
}
interface Fleet {
  tenants: number;
  versions: { version: number; tenants: number }[];
  pending: number;
  failed: number;
  drifted: number;
  last_drift_check: Check | null;
}

const STRICT: Version[] = [
  {
    ddl: `CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, mood mood);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint REFERENCES customers (id),
  total numeric(12, 2) NOT NULL DEFAULT 0,
  note text,
  CONSTRAINT orders_total_chk CHECK (total >= 0)
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
INSERT INTO customers VALUES (1, 'Ada', 'happy')`,
  },
  { ddl: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz' },
];
const TRUSTED: Version[] = TRUSTED_VERSIONS.map((v) => ({ ddl: v.ddl, transactional: v.transactional, policy: 'trusted' }));
const TWENTY: Version[] = TWENTY_VERSIONS.map((v) => ({ ddl: v.ddl, transactional: v.transactional, policy: 'trusted' }));

/** One change made by hand to one tenant's schema (`s`: its schema), and what a check must name. */
const CHANGES: { kind: string; history: 'strict' | 'trusted'; sql: (s: string) => string; named: Partial<Difference>[] }[] = [
  { kind: 'an added column', history: 'strict', sql: (s) => `ALTER TABLE ${s}.orders ADD COLUMN extra integer`, named: [{ change: 'unexpected', object_type: 'column', name: 'orders.extra' }] },
  { kind: 'a dropped column', history: 'strict', sql: (s) => `ALTER TABLE ${s}.orders DROP COLUMN note`, named: [{ change: 'missing', object_type: 'column', name: 'orders.note' }] },
  {
    kind: 'a renamed column',
    history: 'strict',
    sql: (s) => `ALTER TABLE ${s}.orders RENAME COLUMN note TO remark`,
    named: [
      { change: 'missing', object_type: 'column', name: 'orders.note' },
      { change: 'unexpected', object_type: 'column', name: 'orders.remark' },
    ],
  },
  { kind: 'a dropped index', history: 'strict', sql: (s) => `DROP INDEX ${s}.orders_customer_idx`, named: [{ change: 'missing', object_type: 'index', name: 'orders_customer_idx' }] },
  { kind: 'an added index', history: 'strict', sql: (s) => `CREATE INDEX orders_total_idx ON ${s}.orders (total)`, named: [{ change: 'unexpected', object_type: 'index', name: 'orders_total_idx' }] },
  {
    kind: 'a changed default',
    history: 'strict',
    sql: (s) => `ALTER TABLE ${s}.orders ALTER COLUMN total SET DEFAULT 1`,
    named: [{ change: 'changed', object_type: 'column', name: 'orders.total', expected: 'numeric(12,2) NOT NULL DEFAULT 0', actual: 'numeric(12,2) NOT NULL DEFAULT 1' }],
  },
  {
    kind: 'a changed column type',
    history: 'strict',
    sql: (s) => `ALTER TABLE ${s}.customers ALTER COLUMN name TYPE varchar(200)`,
    named: [{ change: 'changed', object_type: 'column', name: 'customers.name', expected: 'text NOT NULL', actual: 'character varying(200) NOT NULL' }],
  },
  { kind: 'a dropped constraint', history: 'strict', sql: (s) => `ALTER TABLE ${s}.orders DROP CONSTRAINT orders_total_chk`, named: [{ change: 'missing', object_type: 'constraint', name: 'orders.orders_total_chk' }] },
  {
    kind: 'a replaced view',
    history: 'strict',
    sql: (s) => `CREATE OR REPLACE VIEW ${s}.big_orders AS SELECT id, total FROM ${s}.orders WHERE total > 1000`,
    named: [{ change: 'changed', object_type: 'view', name: 'big_orders' }],
  },
  {
    kind: 'a replaced function body',
    history: 'trusted',
    sql: (s) => `CREATE OR REPLACE FUNCTION ${s}.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
    named: [{ change: 'changed', object_type: 'function', name: 'set_updated_at()' }],
  },
  {
    kind: 'a dropped trigger',
    history: 'trusted',
    sql: (s) => `DROP TRIGGER customers_set_updated_at ON ${s}.customers`,
    named: [{ change: 'missing', object_type: 'trigger', name: 'customers.customers_set_updated_at' }],
  },
  {
    kind: 'an added enum label',
    history: 'strict',
    sql: (s) => `ALTER TYPE ${s}.mood ADD VALUE 'meh'`,
    named: [{ change: 'changed', object_type: 'type', name: 'mood', expected: "ENUM ('happy', 'sad')", actual: "ENUM ('happy', 'sad', 'meh')" }],
  },
  {
    kind: 'a renamed table',
    history: 'strict',
    sql: (s) => `ALTER TABLE ${s}.customers RENAME TO clients`,
    named: [
      { change: 'missing', object_type: 'table', name: 'customers' },
      { change: 'unexpected', object_type: 'table', name: 'clients' },
    ],
  },
  { kind: 'an added table', history: 'strict', sql: (s) => `CREATE TABLE ${s}.scratch_notes (id integer)`, named: [{ change: 'unexpected', object_type: 'table', name: 'scratch_notes' }] },
  {
    kind: 'a grant to another role',
    history: 'strict',
    sql: (s) => `GRANT SELECT ON ${s}.orders TO PUBLIC`,
    named: [{ change: 'unexpected', object_type: 'grant', name: 'TABLE orders TO PUBLIC', actual: 'SELECT' }],
  },
];

describe('drift (docs/contract.md §11)', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '6', RECONCILE_EVERY_MS: '1000' });
  const { db } = suite;
  const http = () => suite.t.http();
  const drift = async (tenantId: string) => {
    const res = await http().get(`/v1/tenants/${tenantId}/drift`).set(bearer(TOKENS.reader));
    if (res.status !== 200) throw new Error(`drift of ${tenantId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Drift;
  };
  const fleet = async () => (await http().get('/v1/fleet').set(bearer(TOKENS.reader)).expect(200)).body as Fleet;

  /** Stores each tenant's versions through the API. */
  const define = async (tenantIds: string[], versions: Version[]) => {
    for (const tenantId of tenantIds) {
      for (const [i, v] of versions.entries()) {
        await http()
          .post('/v1/tenant-schemas')
          .set(bearer(TOKENS.trusted))
          .send({ tenant_id: tenantId, version: i + 1, ddl: v.ddl, policy: v.policy ?? 'strict', transactional: v.transactional ?? true })
          .expect(201);
      }
    }
  };
  /** Brings tenants to a version with a rollout, every one of them successfully. */
  const bringTo = async (tenantIds: string[], version: number) => {
    const rollout = await createRollout(suite.t, { target_version: version, tenant_ids: tenantIds, max_parallel: 8 });
    const done = await rolloutReaches(suite.t, rollout.rollout_id, 'finished', (r) => r.finished_at !== null, 120_000);
    const failed = (await rolloutTenants(suite.t, rollout.rollout_id)).filter((t) => t.status !== 'success');
    expect({ failed, counts: done.counts }).toMatchObject({ failed: [], counts: { success: tenantIds.length } });
  };
  const checkUntilDone = async (body: object) => {
    const created = (await http().post('/v1/drift-checks').set(bearer(TOKENS.writer)).send(body).expect(201)).body as Check;
    return waitFor(
      'the drift check to complete',
      async () => {
        const check = (await http().get(`/v1/drift-checks/${created.check_id}`).set(bearer(TOKENS.reader)).expect(200)).body as Check;
        return check.status === 'completed' ? check : undefined;
      },
      60_000,
    );
  };
  const allTenantsOf = async (checkId: string, status?: string) => {
    const items: CheckTenant[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '3', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
      const page = (await http().get(`/v1/drift-checks/${checkId}/tenants?${query.toString()}`).set(bearer(TOKENS.reader)).expect(200)).body as {
        items: CheckTenant[];
        next_cursor: string | null;
      };
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  };

  const untouched = { strict: [randomUUID(), randomUUID()], trusted: [randomUUID(), randomUUID()], twenty: randomUUID() };
  const changed = new Map(CHANGES.map((c) => [c.kind, randomUUID()]));
  const ofHistory = (history: 'strict' | 'trusted') => CHANGES.filter((c) => c.history === history).map((c) => changed.get(c.kind)!);
  let fleetBefore: Fleet;

  beforeAll(async () => {
    fleetBefore = await fleet();
    await define([...untouched.strict, ...ofHistory('strict')], STRICT);
    await bringTo([...untouched.strict, ...ofHistory('strict')], 1);
    await define([...untouched.trusted, ...ofHistory('trusted')], TRUSTED);
    await bringTo([...untouched.trusted, ...ofHistory('trusted')], TRUSTED.length);
    await define([untouched.twenty], TWENTY);
    await bringTo([untouched.twenty], TWENTY.length);
    for (const c of CHANGES) await db.query(c.sql(tenantSchema(changed.get(c.kind)!)));
  }, 300_000);

  it('finds no drift on tenants nobody touched: strict, trusted (functions, triggers, extension and concurrent indexes), and twenty catalog-guarded versions', async () => {
    for (const tenantId of [...untouched.strict, ...untouched.trusted, untouched.twenty]) {
      const answer = await drift(tenantId);
      expect({ tenantId, status: answer.status, differences: answer.differences }).toEqual({ tenantId, status: 'in_sync', differences: [] });
    }
    expect((await drift(untouched.twenty)).current_version).toBe(20);
    // One replay per history: the strict tenants at version 1, the trusted ones at 7, the twenty versions.
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM business_store_service.drift_expected');
    expect(rows[0].n).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it.each(CHANGES.map((c) => [c.kind, c] as const))('finds %s and names the object', async (_kind, c) => {
    const answer = await drift(changed.get(c.kind)!);
    expect(answer.status).toBe('drifted');
    for (const named of c.named) expect(answer.differences).toContainEqual(expect.objectContaining(named));
  });

  it('checks the fleet as a job on queue drift: counts and paged lists agree with the tenants', async () => {
    const ours = [...untouched.strict, ...untouched.trusted, untouched.twenty, ...changed.values()];
    const unknown = randomUUID();
    const check = await checkUntilDone({ tenant_ids: [...ours, unknown] });
    expect(check.counts).toEqual({ total: ours.length + 1, in_sync: 5, drifted: CHANGES.length, skipped: 1 });
    const drifted = await allTenantsOf(check.check_id, 'drifted');
    expect(drifted.map((t) => t.tenant_id).sort()).toEqual([...changed.values()].sort());
    for (const t of drifted) expect(t.differences.length).toBeGreaterThan(0);
    expect((await allTenantsOf(check.check_id, 'in_sync')).map((t) => t.tenant_id).sort()).toEqual([...untouched.strict, ...untouched.trusted, untouched.twenty].sort());
    expect(await allTenantsOf(check.check_id, 'skipped')).toEqual([expect.objectContaining({ tenant_id: unknown, details: 'has no definition' })]);
    const all = await allTenantsOf(check.check_id);
    expect(all.map((t) => t.tenant_id)).toEqual([...all.map((t) => t.tenant_id)].sort());
    expect(all).toHaveLength(ours.length + 1);

    // GET /v1/fleet counts every tenant at its version, as the audit log has it (other suites' tenants too;
    // compared at a moment when no apply moves one).
    const fromLog = async () =>
      (
        await db.query<{ version: number; tenants: number }>(`
          SELECT v.version, count(*)::int AS tenants FROM (
            SELECT t.tenant_id, COALESCE((SELECT max(m.version_applied) FROM business_store_service.schema_migrations m WHERE m.tenant_id = t.tenant_id AND m.status = 'success'), 0) AS version
            FROM (SELECT DISTINCT tenant_id FROM business_store_service.tenant_schemas) t) v
          GROUP BY v.version ORDER BY v.version`)
      ).rows;
    const now = await waitFor('GET /v1/fleet and the audit log to agree', async () => {
      const [before, api, after] = [await fromLog(), await fleet(), await fromLog()];
      return JSON.stringify(before) === JSON.stringify(after) && JSON.stringify(api.versions) === JSON.stringify(after) ? api : undefined;
    });
    expect(now.tenants - fleetBefore.tenants).toBeGreaterThanOrEqual(ours.length);
    const versionOf = new Map(all.map((t) => [t.tenant_id, (t as CheckTenant & { current_version: number }).current_version]));
    expect([...ofHistory('strict'), ...untouched.strict].map((id) => versionOf.get(id))).toEqual(Array(ofHistory('strict').length + untouched.strict.length).fill(1));
    expect([...ofHistory('trusted'), ...untouched.trusted].map((id) => versionOf.get(id))).toEqual(Array(ofHistory('trusted').length + untouched.trusted.length).fill(7));
    expect(versionOf.get(untouched.twenty)).toBe(20);
    expect(now).toMatchObject({ drifted: CHANGES.length, last_drift_check: { check_id: check.check_id, status: 'completed' } });
    expect(now.versions.reduce((n, v) => n + v.tenants, 0)).toBe(now.tenants);

    const metrics = (await http().get('/metrics').expect(200)).text;
    expect(metrics).toContain(`bss_drift_tenants{status="drifted"} ${CHANGES.length}`);
    expect(metrics).toContain('bss_drift_tenants{status="in_sync"} 5');
  }, 90_000);

  it('checks every tenant with an applied version when no tenant is named', async () => {
    const check = await checkUntilDone({});
    const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT tenant_id)::int AS n FROM business_store_service.schema_migrations WHERE status = 'success'`);
    expect(check.counts.total).toBe(rows[0].n);
    const drifted = new Set((await allTenantsOf(check.check_id, 'drifted')).map((t) => t.tenant_id));
    for (const tenantId of changed.values()) expect(drifted.has(tenantId)).toBe(true);
    for (const tenantId of [...untouched.strict, ...untouched.trusted, untouched.twenty]) expect(drifted.has(tenantId)).toBe(false);
  }, 90_000);

  it('skips exactly the drifted tenants in a rollout with on_drift skip, naming the differences', async () => {
    const tenants = [...untouched.strict, changed.get('an added column')!, changed.get('a dropped index')!];
    const rollout = await createRollout(suite.t, { target_version: 2, tenant_ids: tenants, on_drift: 'skip' });
    expect(rollout).toMatchObject({ on_drift: 'skip' });
    await rolloutReaches(suite.t, rollout.rollout_id, 'finished', (r) => r.finished_at !== null, 60_000);
    const byTenant = new Map((await rolloutTenants(suite.t, rollout.rollout_id)).map((t) => [t.tenant_id, t]));
    expect(untouched.strict.map((id) => byTenant.get(id)?.status)).toEqual(['success', 'success']);
    expect(byTenant.get(changed.get('an added column')!)).toMatchObject({ status: 'skipped', details: expect.stringContaining('unexpected column orders.extra') as string });
    expect(byTenant.get(changed.get('a dropped index')!)).toMatchObject({ status: 'skipped', details: expect.stringContaining('missing index orders_customer_idx') as string });
    // At version 2 now, and still in sync: the check follows the new version.
    expect(await drift(untouched.strict[0])).toMatchObject({ current_version: 2, status: 'in_sync', differences: [] });
  }, 90_000);

  it('never reports an apply in progress as drift: 409 for the tenant, skipped in a fleet check', async () => {
    const tenantId = untouched.strict[1];
    await http()
      .post('/v1/tenant-schemas')
      .set(bearer(TOKENS.writer))
      .send({ tenant_id: tenantId, version: 3, ddl: 'CREATE TABLE waiting_room (id integer)' })
      .expect(201);
    const schemaId = (await db.query<{ schema_id: string }>('SELECT schema_id FROM business_store_service.tenant_schemas WHERE tenant_id = $1 AND version = 3', [tenantId])).rows[0].schema_id;
    // The tenant's lock held elsewhere: its attempt stays pending, as while another apply runs.
    const holder = await db.connect();
    let migrationId: string;
    try {
      await holder.query('SELECT pg_advisory_lock(business_store_service.tenant_lock_key($1))', [tenantId]);
      const attempt = (await http().post('/v1/migrations').set(bearer(TOKENS.writer)).send({ tenant_schema_id: schemaId }).expect(202)).body as { migration_id: string };
      migrationId = attempt.migration_id;
      const conflict = await http().get(`/v1/tenants/${tenantId}/drift`).set(bearer(TOKENS.reader)).expect(409);
      expect((conflict.body as { message: string }).message).toContain(attempt.migration_id);
      const check = await checkUntilDone({ tenant_ids: [tenantId, untouched.strict[0]] });
      expect(check.counts).toEqual({ total: 2, in_sync: 1, drifted: 0, skipped: 1 });
      expect((await allTenantsOf(check.check_id, 'skipped'))[0]).toMatchObject({ tenant_id: tenantId, details: expect.stringContaining('in progress') as string });
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    expect((await ended(db, migrationId, 30_000)).status).toBe('success');
    expect(await drift(tenantId)).toMatchObject({ current_version: 3, status: 'in_sync', differences: [] });
  }, 90_000);

  it('replays a concurrent index build without CONCURRENTLY: a transaction holding an old snapshot does not hold the check up', async () => {
    const tenantId = randomUUID();
    await define(
      [tenantId],
      [{ ddl: 'CREATE TABLE visits (id bigint, seen_at timestamptz)' }, { ddl: 'CREATE INDEX CONCURRENTLY visits_seen_idx ON visits (seen_at)', policy: 'trusted', transactional: false }],
    );
    await bringTo([tenantId], 2);
    // A concurrent build waits for every transaction of the database whose snapshot is older than its own.
    const holder = await db.connect();
    try {
      await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await holder.query('SELECT count(*) FROM business_store_service.tenant_schemas');
      expect(await drift(tenantId)).toMatchObject({ current_version: 2, status: 'in_sync', differences: [] });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  }, 60_000);

  it('replays each version on a clean session, as it was applied: what one version left in the session does not reach the next', async () => {
    const tenantId = randomUUID();
    await define(
      [tenantId],
      [
        { ddl: 'CREATE TABLE notes (id bigint);\nCREATE TEMP TABLE scratch (id int);\nSET default_transaction_read_only = on;\nSELECT pg_advisory_lock(42)', policy: 'trusted' },
        { ddl: 'ALTER TABLE notes ADD COLUMN body text;\nCREATE TABLE scratch (id int)', policy: 'trusted' },
      ],
    );
    await bringTo([tenantId], 2);
    expect(await drift(tenantId)).toMatchObject({ current_version: 2, status: 'in_sync', differences: [] });
    const check = await checkUntilDone({ tenant_ids: [tenantId] });
    expect(check.counts).toEqual({ total: 1, in_sync: 1, drifted: 0, skipped: 0 });
  }, 60_000);

  it('answers 404 for a tenant without a definition, 400 for bad input, and in_sync for a tenant at version 0', async () => {
    await http().get(`/v1/tenants/${randomUUID()}/drift`).set(bearer(TOKENS.reader)).expect(404);
    expect((await http().get('/v1/tenants/nope/drift').set(bearer(TOKENS.reader)).expect(400)).body).toMatchObject({ message: "tenant_id must be a UUID, got 'nope'" });
    const bad = await http().post('/v1/drift-checks').set(bearer(TOKENS.writer)).send({ tenant_ids: ['x'] }).expect(400);
    expect((bad.body as { message: string }).message).toBe('tenant_ids[0] must be a UUID');
    await http().get(`/v1/drift-checks/${randomUUID()}`).set(bearer(TOKENS.reader)).expect(404);
    await http().get(`/v1/drift-checks/${randomUUID()}/tenants?cursor=zzz`).set(bearer(TOKENS.reader)).expect(400);
    await http().post('/v1/drift-checks').set(bearer(TOKENS.reader)).send({}).expect(403);
    const fresh = randomUUID();
    await http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).send({ tenant_id: fresh, version: 1, ddl: 'CREATE TABLE t (id integer)' }).expect(201);
    expect(await drift(fresh)).toMatchObject({ current_version: 0, status: 'in_sync', differences: [] });
  });
});
