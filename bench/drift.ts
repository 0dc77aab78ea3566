import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { REPLAY_SLOTS, replaySlot } from '../src/replay/replay.sql.js';
import {
  createBenchDb,
  dropQueuePrefix,
  dropTenantRoles,
  envInt,
  percentiles,
  request,
  round,
  type Row,
  runConcurrent,
  SM,
  startService,
  TOKENS,
  TS,
  waitUntil,
} from './support.js';

const HISTORY = [
  `CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total numeric(12, 2) NOT NULL DEFAULT 0)`,
  `CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE TYPE order_status AS ENUM ('placed', 'shipped');
ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'placed'`,
  `CREATE VIEW open_orders AS SELECT id, customer_id, total FROM orders WHERE status = 'placed';
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)`,
];

/**
 * The fleet of tenants migrated before the service checked drift: each tenant's role and schema
 * made by provision_tenant, the three versions run as that role, and their successful attempts in
 * the audit log, straight in SQL (a fixture, not an apply benchmark). One in a hundred is then
 * changed by hand.
 */
async function makeFleet(pool: pg.Pool, tenantIds: string[]): Promise<string[]> {
  await pool.query(
    `INSERT INTO ${TS} (tenant_id, version, ddl) SELECT t, v.i, v.ddl FROM unnest($1::uuid[]) AS t, unnest($2::text[]) WITH ORDINALITY AS v(ddl, i)`,
    [tenantIds, HISTORY],
  );
  await runConcurrent(4, Math.ceil(tenantIds.length / 50), async (b) => {
    const client = await pool.connect();
    try {
      for (const tenantId of tenantIds.slice(b * 50, b * 50 + 50)) {
        const schema = `tenant_${tenantId.replaceAll('-', '')}`;
        const role = (await client.query<{ role: string }>('SELECT business_store_service.provision_tenant($1) AS role', [tenantId])).rows[0].role;
        await client.query(`BEGIN; SET LOCAL ROLE ${role}; SET LOCAL search_path = ${schema}; ${HISTORY.join(';\n')}; COMMIT`);
      }
    } finally {
      client.release();
    }
  });
  await pool.query(
    `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, applied_by) SELECT schema_id, tenant_id, version, 'success', 'bench fixture' FROM ${TS} WHERE tenant_id = ANY($1::uuid[])`,
    [tenantIds],
  );
  const changed = tenantIds.filter((_, i) => i % 100 === 7);
  for (const tenantId of changed) await pool.query(`CREATE INDEX by_hand_idx ON tenant_${tenantId.replaceAll('-', '')}.orders (total)`);
  return changed;
}

/**
 * Drift at fleet scale (docs/contract.md §11): a fleet check of N tenants that share one
 * 3-version history (one replay), and one tenant's check once its expected schema is cached.
 */
export async function drift(): Promise<{ rows: Row[]; result: unknown }> {
  const n = envInt('BENCH_DRIFT_TENANTS', 10_000);
  const singles = envInt('BENCH_DRIFT_SINGLES', 200);
  const db = await createBenchDb();
  const prefix = `bss_bench_drift_${randomUUID().slice(0, 8)}`;
  const tenantIds = Array.from({ length: n }, () => randomUUID());
  const pool = db.pool(8);
  try {
    console.log(`drift: ${n} tenants with one 3-version history, database ${db.name}`);
    let t = performance.now();
    const changed = await makeFleet(pool, tenantIds);
    console.log(`  fixture: ${n} tenants in ${round((performance.now() - t) / 1000, 1)} s (${changed.length} changed by hand)`);
    await pool.query('VACUUM ANALYZE');
    const service = await startService(db, prefix, 'all');
    try {
      t = performance.now();
      const created = await request(service.port, 'POST', '/v1/drift-checks', { token: TOKENS.write, json: {} });
      if (created.status !== 201) throw new Error(`POST /v1/drift-checks: ${created.status} ${created.body}`);
      const checkId = (JSON.parse(created.body) as { check_id: string }).check_id;
      let check: { status: string; counts: Record<string, number> } | undefined;
      await waitUntil('the fleet drift check', 600_000, async () => {
        check = JSON.parse((await request(service.port, 'GET', `/v1/drift-checks/${checkId}`, { token: TOKENS.read })).body) as typeof check;
        return check?.status === 'completed';
      }, 200);
      const fleetSeconds = round((performance.now() - t) / 1000, 1);
      console.log(`  fleet check: ${fleetSeconds} s for ${n} tenants; counts ${JSON.stringify(check!.counts)}`);

      const latencies: number[] = [];
      for (let i = 0; i < singles; i++) {
        const tenantId = tenantIds[(i * 37) % n];
        const start = performance.now();
        const res = await request(service.port, 'GET', `/v1/tenants/${tenantId}/drift`, { token: TOKENS.read });
        latencies.push(performance.now() - start);
        if (res.status !== 200) throw new Error(`GET drift: ${res.status} ${res.body}`);
      }
      const single = percentiles(latencies);
      console.log(`  one tenant, cached: p50 ${single.p50} ms, p99 ${single.p99} ms, max ${single.max} ms (${singles} requests)`);
      const rows: Row[] = [
        { benchmark: `fleet drift check, ${n} tenants, seconds`, service: `${fleetSeconds}`, baseline: '', ratio: '', target: '<= 60 s', ok: fleetSeconds <= 60 ? '✔' : '✘' },
        { benchmark: 'one tenant drift, cached, p99 ms', service: `${single.p99}`, baseline: '', ratio: '', target: '<= 100 ms', ok: single.p99 <= 100 ? '✔' : '✘' },
      ];
      return { rows, result: { tenants: n, fleet_check_seconds: fleetSeconds, counts: check!.counts, changed_by_hand: changed.length, single_tenant_ms: single } };
    } finally {
      await service.stop();
    }
  } finally {
    await dropQueuePrefix(prefix);
    await db.drop();
    const scratch = Array.from({ length: REPLAY_SLOTS }, (_, i) => replaySlot(i));
    console.log(`  dropped ${await dropTenantRoles([...tenantIds, ...scratch])} tenant roles the run created`);
  }
}
