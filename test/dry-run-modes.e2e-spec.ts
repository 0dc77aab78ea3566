import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { defineVersions, ended, requestApply, tenantSchema } from './factories/api.factory.js';
import { bearer, TOKENS } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

interface Lock {
  relation: string;
  mode: string;
}
interface Plan {
  mode: string;
  would: string;
  details: string;
  statements: { ordinal: number; locks: Lock[]; rewrites: string[] }[];
  holds: { relation: string; mode: string; from_statement: number; held_ms: number; rows: number | null; bytes: number | null }[];
}

const V1 = `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint, total numeric(12,2) NOT NULL DEFAULT 0)`;

let nextWriterId = 10_000_000;

/**
 * A session that inserts into the tenant's orders every 20 ms, each insert allowed to wait
 * `lockTimeoutMs` for its lock; it records how long each insert took and which gave up waiting.
 */
function writer(db: pg.Pool, schema: string, lockTimeoutMs: number) {
  const waits: number[] = [];
  let failures = 0;
  let stop = false;
  let id = nextWriterId;
  nextWriterId += 1_000_000;
  const done = (async () => {
    const client = await db.connect();
    try {
      await client.query(`SET lock_timeout = ${lockTimeoutMs}`);
      while (!stop) {
        const started = performance.now();
        try {
          await client.query(`INSERT INTO ${schema}.orders (id, customer, total) VALUES ($1, 1, 1)`, [id++]);
        } catch {
          failures += 1;
        }
        waits.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      client.release();
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return { inserts: waits.length, failures, longestMs: Math.max(...waits) };
    },
  };
}

describe('dry-run modes (docs/contract.md §9)', () => {
  const suite = useTestApp({ WORKER_CONCURRENCY: '2', APPLY_STATEMENT_TIMEOUT_MS: '120000' });
  const { db } = suite;
  const dryRun = async (schemaId: string, body: object = {}) => (await suite.t.http().post(`/v1/tenant-schemas/${schemaId}/dry-run`).set(bearer(TOKENS.writer)).send(body).expect(200)).body as Plan;
  /** A tenant at version 1 with `rows` orders (analyzed, as autovacuum would), and version 2 stored. */
  const tenantWith = async (rows: number, v2: string) => {
    const { tenantId, schemaIds } = await defineVersions(suite.t, [V1, v2]);
    expect((await ended(db, (await requestApply(suite.t, schemaIds[0])).migration_id)).status).toBe('success');
    const schema = tenantSchema(tenantId);
    await db.query(`INSERT INTO ${schema}.customers VALUES (1), (2)`);
    await db.query(`INSERT INTO ${schema}.orders SELECT g, 1 + g % 2, g % 1000 FROM generate_series(1, ${rows}) AS g`);
    await db.query(`ANALYZE ${schema}.orders`);
    return { tenantId, schema, v2: schemaIds[1] };
  };

  describe('on a million orders', () => {
    let big: Awaited<ReturnType<typeof tenantWith>>;
    beforeAll(async () => {
      big = await tenantWith(1_000_000, 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,3); CREATE INDEX orders_customer_idx ON orders (customer)');
    }, 120_000);

    it('shadow (the default): no insert of a writer waits, and the answer has the rewrite, every lock of each statement, and how long orders stays blocked', async () => {
      const w = writer(db, big.schema, 200);
      const plan = await dryRun(big.v2);
      const writes = await w.stop();
      expect(writes.inserts).toBeGreaterThan(0);
      expect(writes.failures).toBe(0);
      expect(plan).toMatchObject({ mode: 'shadow', would: 'success' });
      const [typeChange, index] = plan.statements;
      expect(typeChange.rewrites).toEqual(['orders']);
      expect(typeChange.locks[0]).toEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE' });
      // Statement 1 already holds SHARE on orders: the index build's own request is reported all the same.
      expect(index.locks).toContainEqual({ relation: 'orders', mode: 'SHARE' });
      const orders = plan.holds.find((h) => h.relation === 'orders')!;
      expect(orders).toMatchObject({ mode: 'ACCESS EXCLUSIVE', from_statement: 1 });
      expect(orders.rows).toBeGreaterThan(900_000);
      expect(orders.rows).toBeLessThan(1_100_000);
      expect(orders.bytes).toBeGreaterThan(10_000_000);
    }, 60_000);

    it('live with max_lock_ms 500: stops as unknown, naming the statement, relation and lock; the writer waits far less than the whole rewrite', async () => {
      const unbounded = writer(db, big.schema, 60_000);
      const full = await dryRun(big.v2, { mode: 'live', max_lock_ms: 600_000 });
      const unboundedWrites = await unbounded.stop();
      expect(full).toMatchObject({ mode: 'live', would: 'success' });
      const heldMs = full.holds.find((h) => h.relation === 'orders')!.held_ms;

      const bounded = writer(db, big.schema, 60_000);
      const stopped = await dryRun(big.v2, { mode: 'live', max_lock_ms: 500 });
      const boundedWrites = await bounded.stop();
      expect(stopped).toMatchObject({ mode: 'live', would: 'unknown' });
      expect(stopped.details).toBe(
        'Stopped at statement 1 of 2: it holds ACCESS EXCLUSIVE on orders (taken by statement 1) for max_lock_ms (500 ms), and a real apply would hold it longer.',
      );
      expect(boundedWrites.failures).toBe(0);
      // Unbounded, a writer waits for the whole rewrite and index build; bounded, for max_lock_ms and the rollback.
      expect(unboundedWrites.longestMs).toBeGreaterThan(boundedWrites.longestMs);
      expect(boundedWrites.longestMs).toBeLessThan(heldMs);
      expect(boundedWrites.longestMs).toBeLessThan(1500);
    }, 120_000);
  });

  it.each([
    ['a type change', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,3)'],
    ['an index', 'CREATE INDEX orders_customer_idx ON orders (customer)'],
    ['a nullable column', 'ALTER TABLE orders ADD COLUMN note text'],
    ['a foreign key NOT VALID, then VALIDATE', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer) REFERENCES customers (id) NOT VALID; ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk'],
    ['a view', 'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100'],
  ])('shadow and live report the same locks and rewrites for %s', async (_name, ddl) => {
    const t = await tenantWith(5000, ddl);
    const shadow = await dryRun(t.v2);
    const live = await dryRun(t.v2, { mode: 'live' });
    expect([shadow.would, live.would]).toEqual(['success', 'success']);
    const report = (p: Plan) => p.statements.map((s) => ({ ordinal: s.ordinal, locks: s.locks, rewrites: s.rewrites }));
    expect(report(live)).toEqual(report(shadow));
    expect(shadow.statements[0].locks.length).toBeGreaterThan(0);
    expect(live.holds.map((h) => [h.relation, h.mode, h.from_statement])).toEqual(shadow.holds.map((h) => [h.relation, h.mode, h.from_statement]));
  });

  it('live finds what the rows make fail, with the SQLSTATE and statement the real attempt then records; shadow says it cannot', async () => {
    const t = await tenantWith(100, 'ALTER TABLE orders ADD COLUMN must text NOT NULL');
    const shadow = await dryRun(t.v2);
    expect(shadow.would).toBe('success');
    expect(shadow.details).toContain('only a live dry run finds');
    const live = await dryRun(t.v2, { mode: 'live' });
    expect(live.would).toBe('failed');
    const record = await ended(db, (await requestApply(suite.t, t.v2)).migration_id);
    expect(record.status).toBe('failed');
    expect(live.details).toBe(record.details);
    expect(live.details).toMatch(/^Failed at statement 1 of 1 \(SQLSTATE 23502\)/);
  });

  it('leaves nothing behind in either mode: the scratch tenants are empty, no record is written', async () => {
    const t = await tenantWith(10, 'ALTER TABLE orders ADD COLUMN note text; CREATE INDEX orders_note_idx ON orders (note)');
    await dryRun(t.v2);
    await dryRun(t.v2, { mode: 'live' });
    const left = await db.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname LIKE 'tenant\\_ffffffffffffffffffffffffffff%'`);
    expect(left.rows).toEqual([]);
    expect((await db.query('SELECT 1 FROM business_store_service.schema_migrations WHERE tenant_schema_id = $1', [t.v2])).rowCount).toBe(0);
    const columns = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'orders' ORDER BY 1`, [t.schema]);
    expect(columns.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['customer', 'id', 'total']);
  });

  it('answers 400 naming the field for a bad mode or max_lock_ms', async () => {
    const { schemaIds } = await defineVersions(suite.t, [V1]);
    for (const [body, message] of [
      [{ mode: 'dry' }, 'mode must be one of shadow, live'],
      [{ max_lock_ms: 0 }, 'max_lock_ms must be at least 1'],
      [{ max_lock_ms: 'soon' }, 'max_lock_ms must be an integer number of milliseconds'],
    ] as const) {
      const res = await suite.t.http().post(`/v1/tenant-schemas/${schemaIds[0]}/dry-run`).set(bearer(TOKENS.writer)).send(body).expect(400);
      expect([(res.body as { message: string | string[] }).message].flat()).toContain(message);
    }
    await suite.t.http().post(`/v1/tenant-schemas/${randomUUID()}/dry-run`).set(bearer(TOKENS.writer)).send({ mode: 'live' }).expect(404);
  });
});
