import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { defineVersions, ended, requestApply, tenantSchema } from './factories/api.factory.js';
import { createRollout, defineFor, rolloutReaches } from './factories/rollout.factory.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** A dry run's answer, as far as these tests read it. */
interface DryRunPlan {
  would: string;
  details: string;
  statements: { ordinal: number; locks: { relation: string; mode: string }[]; rewrites: string[]; duration_ms: number }[];
}

/** The tenant's catalog and data, to the byte: pg_class and pg_attribute of its schema, and row counts. */
async function catalogOf(db: pg.Pool, schema: string) {
  const q = async (sql: string) => (await db.query<Record<string, unknown>>(sql, [schema])).rows;
  const classes = await q(
    `SELECT c.oid::int, c.relname, c.relkind, c.relfilenode::int, c.relnatts, c.relhasindex, c.relowner::regrole::text AS owner
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY c.relname`,
  );
  const attributes = await q(
    `SELECT c.relname, a.attname, a.attnum, a.atttypid::regtype::text AS type, a.atttypmod, a.attnotnull, a.atthasdef, a.attisdropped
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND a.attnum > 0 ORDER BY c.relname, a.attnum`,
  );
  const rows: Record<string, string> = {};
  for (const { relname, relkind } of classes) {
    if (relkind === 'r') rows[relname as string] = (await db.query<{ n: string; digest: string | null }>(`SELECT count(*)::text AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS digest FROM ${schema}.${relname as string} t`)).rows.map((r) => `${r.n}:${r.digest}`)[0];
  }
  return { classes, attributes, rows };
}

describe('dry runs', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '2', DRY_RUN_REWRITE_ROWS: '1000', APPLY_LOCK_TIMEOUT_MS: '1000' });
  const { db } = suite;
  const dryRun = (schemaId: string, body: object = {}) => suite.t.http().post(`/v1/tenant-schemas/${schemaId}/dry-run`).set(bearer(TOKENS.writer)).send(body);
  let tenantId: string;
  let schema: string;

  beforeAll(async () => {
    const v1 = await defineVersions(suite.t, ['CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2)); INSERT INTO orders SELECT g, g FROM generate_series(1, 5000) g']);
    expect((await ended(db, (await requestApply(suite.t, v1.schemaIds[0])).migration_id)).status).toBe('success');
    tenantId = v1.tenantId;
    schema = tenantSchema(tenantId);
  });

  const define = async (version: number, ddl: string) => {
    const res = await suite.t.http().post('/v1/tenant-schemas').set(bearer(TOKENS.writer)).send({ tenant_id: tenantId, version, ddl }).expect(201);
    return (res.body as { schema_id: string }).schema_id;
  };

  it('reports locks and rewrites per statement, strongest first, and leaves the catalog and data byte-identical', async () => {
    const before = await catalogOf(db, schema);
    // A new scale rewrites every row; a wider precision at the same scale PostgreSQL changes in place.
    // Each statement lists every lock it requests, also one an earlier statement already holds.
    const v2 = await define(
      2,
      'CREATE INDEX orders_total_idx ON orders (total); ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,4); ALTER TABLE orders ADD COLUMN note text; ALTER TABLE orders ALTER COLUMN total TYPE numeric(18,4)',
    );
    const res = await dryRun(v2).expect(200);
    expect(res.body).toMatchObject({ schema_id: v2, tenant_id: tenantId, version: 2, would: 'success' });
    const body = res.body as DryRunPlan;
    // A shadow (the default) has no rows, and the type changes cast every row: it says so.
    expect(body.details).toBe(
      "Applied schema version 2. Created index 'orders_total_idx' on 'orders'. Changed type of column 'total' in 'orders'. Added column 'note' to 'orders'. Changed type of column 'total' in 'orders'. " +
        'A shadow has no rows: what existing rows could make fail (NOT NULL, UNIQUE, CHECK, a foreign key, a cast) only a live dry run finds.',
    );
    const [index, typeChange, addColumn, widening] = body.statements;
    expect(typeChange.locks[0]).toEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE' });
    expect(typeChange.rewrites).toEqual(['orders']);
    expect(typeChange.duration_ms).toBeGreaterThan(0);
    expect(addColumn.rewrites).toEqual([]);
    // ADD COLUMN requests ACCESS EXCLUSIVE too, though statement 2 already holds it: every request is reported.
    expect(addColumn.locks).toContainEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE' });
    expect(widening.rewrites).toEqual([]);
    expect(index.locks).toContainEqual({ relation: 'orders', mode: 'SHARE' });
    expect(index.rewrites).toEqual([]);
    expect(await catalogOf(db, schema)).toEqual(before);
    const records = await db.query('SELECT 1 FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [v2]);
    expect(records.rowCount).toBe(0);
  });

  it('answers would: failed with the SQLSTATE and statement that a real attempt then records', async () => {
    const other = await defineVersions(suite.t, ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int); ALTER TABLE missing ADD COLUMN x int']);
    expect((await ended(db, (await requestApply(suite.t, other.schemaIds[0])).migration_id)).status).toBe('success');
    const plan = (await dryRun(other.schemaIds[1]).expect(200)).body as DryRunPlan;
    expect(plan.would).toBe('failed');
    expect(plan.statements.map((s: { ordinal: number }) => s.ordinal)).toEqual([1, 2]);
    const record = await ended(db, (await requestApply(suite.t, other.schemaIds[1])).migration_id);
    expect(record.details).toBe(plan.details);
    expect(plan.details).toBe('Failed at statement 2 of 2 (SQLSTATE 42P01): relation "missing" does not exist. Statement: ALTER TABLE missing ADD COLUMN x int');
  });

  it('live: waits for a lock no longer than APPLY_LOCK_TIMEOUT_MS, and answers would: failed naming the lock timeout', async () => {
    const held = await defineVersions(suite.t, ['CREATE TABLE held (id int)', 'ALTER TABLE held ADD COLUMN note text']);
    expect((await ended(db, (await requestApply(suite.t, held.schemaIds[0])).migration_id)).status).toBe('success');
    const holder = await db.connect();
    try {
      await holder.query(`BEGIN; LOCK TABLE ${tenantSchema(held.tenantId)}.held IN ACCESS SHARE MODE`);
      const plan = (await dryRun(held.schemaIds[1], { mode: 'live' }).expect(200)).body as DryRunPlan;
      expect(plan.would).toBe('failed');
      expect(plan.details).toMatch(/^Failed at statement 1 of 1 \(SQLSTATE 55P03\): canceling statement due to lock timeout\./);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(((await dryRun(held.schemaIds[1], { mode: 'live' }).expect(200)).body as DryRunPlan).would).toBe('success');
  });

  it("names the missing version when the predecessor is not applied, and answers 409 while the tenant is busy", async () => {
    const lone = randomUUID();
    await defineFor(db, [lone], ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)']);
    const v2 = (await db.query<{ schema_id: string }>('SELECT schema_id FROM business_store_service.tenant_schemas WHERE tenant_id = $1 AND version = 2', [lone])).rows[0].schema_id;
    expect((await dryRun(v2).expect(200)).body).toMatchObject({
      would: 'failed',
      details: 'Version 2 applies only on top of version 1, which is neither applied nor pending (current version 0).',
      statements: [],
    });
    const holder = await db.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(business_store_service.tenant_lock_key($1))', [lone]);
      for (const mode of ['shadow', 'live']) {
        const busy = await dryRun(v2, { mode }).expect(409);
        expect((busy.body as { message: string }).message).toBe(`tenant '${lone}' is busy with an attempt; dry-run again once it has ended`);
      }
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    await dryRun(randomUUID()).expect(404);
  });

  it('dry_run_first creates a rollout paused when its version would fail, or rewrite a large table', async () => {
    const fleet = [randomUUID(), randomUUID()];
    await defineFor(db, fleet, ['CREATE TABLE items (id bigint, price int); INSERT INTO items SELECT g, g FROM generate_series(1, 5000) g', 'ALTER TABLE items ALTER COLUMN price TYPE bigint', 'ALTER TABLE nothing_here ADD COLUMN x int']);
    const v1 = await createRollout(suite.t, { target_version: 1, tenant_ids: fleet });
    await rolloutReaches(suite.t, v1.rollout_id, 'completed', (r) => r.status === 'completed');
    // The rows come from PostgreSQL's statistics, as autovacuum keeps them.
    await db.query(`ANALYZE ${tenantSchema(fleet[0])}.items`);

    const rewrite = await createRollout(suite.t, { target_version: 2, tenant_ids: fleet, dry_run_first: true });
    expect(rewrite.status).toBe('paused');
    expect(rewrite.reason).toBe(`dry run on tenant ${fleet[0]} (version 2) would rewrite table items (5000 rows, more than DRY_RUN_REWRITE_ROWS 1000)`);
    expect(rewrite.counts).toMatchObject({ queued: 2, running: 0 });
    await suite.t.http().post(`/v1/rollouts/${rewrite.rollout_id}/resume`).set(bearer(TOKENS.writer)).expect(200);
    await rolloutReaches(suite.t, rewrite.rollout_id, 'completed', (r) => r.status === 'completed');

    const failing = await createRollout(suite.t, { target_version: 3, tenant_ids: fleet, dry_run_first: true });
    expect(failing.status).toBe('paused');
    expect(failing.reason).toBe(
      `dry run on tenant ${fleet[0]} (version 3) would fail: Failed at statement 1 of 1 (SQLSTATE 42P01): relation "nothing_here" does not exist. Statement: ALTER TABLE nothing_here ADD COLUMN x int`,
    );
    const safe = await createRollout(suite.t, { target_version: 3, tenant_ids: [randomUUID()], dry_run_first: true });
    expect(safe.status).not.toBe('paused');
  });
});
