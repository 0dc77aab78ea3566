import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { REPLAY_SLOTS, replaySlot } from '../src/replay/replay.sql.js';
import { TWENTY_VERSIONS } from '../test/corpus/twenty-versions.js';
import { createBenchDb, dropQueuePrefix, dropTenantRoles, envInt, percentiles, request, round, type Row, startService, TOKENS, TS, waitUntil } from './support.js';

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint, total numeric(12,2) NOT NULL DEFAULT 0)';
const CHANGE = 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,3); CREATE INDEX orders_customer_idx ON orders (customer)';

/** Stores versions straight in the table (as a DBA could) and brings the tenant there with a rollout. */
async function tenantAt(pool: pg.Pool, port: number, tenantId: string, versions: { ddl: string; transactional: boolean; policy: string }[]): Promise<void> {
  await pool.query(
    `INSERT INTO ${TS} (tenant_id, version, ddl, policy, transactional) SELECT $1, v.i, v.ddl, v.policy, v.tx FROM unnest($2::text[], $3::text[], $4::boolean[]) WITH ORDINALITY AS v(ddl, policy, tx, i)`,
    [tenantId, versions.map((v) => v.ddl), versions.map((v) => v.policy), versions.map((v) => v.transactional)],
  );
  const created = await request(port, 'POST', '/v1/rollouts', { token: TOKENS.write, json: { target_version: versions.length, tenant_ids: [tenantId] } });
  const rolloutId = (JSON.parse(created.body) as { rollout_id: string }).rollout_id;
  await waitUntil('the rollout', 300_000, async () => (JSON.parse((await request(port, 'GET', `/v1/rollouts/${rolloutId}`, { token: TOKENS.read })).body) as { finished_at: string | null }).finished_at !== null);
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM business_store_service.schema_migrations WHERE tenant_id = $1 AND status = 'success'`, [tenantId]);
  if (rows[0].n !== versions.length) throw new Error(`tenant ${tenantId} reached ${rows[0].n} of ${versions.length} versions`);
}

async function nextVersion(pool: pg.Pool, tenantId: string, version: number, ddl: string): Promise<string> {
  return (await pool.query<{ schema_id: string }>(`INSERT INTO ${TS} (tenant_id, version, ddl) VALUES ($1, $2, $3) RETURNING schema_id`, [tenantId, version, ddl])).rows[0].schema_id;
}

/**
 * Dry runs (docs/contract.md §9): a shadow dry run of version 21 of a tenant whose 20 trusted,
 * catalog-guarded versions are replayed each time; and, on a tenant with 1,000,000 orders, the
 * shadow and the bounded live answers the README shows.
 */
export async function dryrun(): Promise<{ rows: Row[]; result: unknown }> {
  const runs = envInt('BENCH_DRYRUN_RUNS', 5);
  const db = await createBenchDb();
  const prefix = `bss_bench_dryrun_${randomUUID().slice(0, 8)}`;
  const twenty = randomUUID();
  const big = randomUUID();
  const pool = db.pool(4);
  try {
    const service = await startService(db, prefix, 'all');
    try {
      await tenantAt(pool, service.port, twenty, TWENTY_VERSIONS.map((v) => ({ ddl: v.ddl, transactional: v.transactional, policy: 'trusted' })));
      const v21 = await nextVersion(pool, twenty, 21, 'ALTER TABLE orders ADD COLUMN channel text; CREATE INDEX orders_channel_idx ON orders (channel)');
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const res = await request(service.port, 'POST', `/v1/tenant-schemas/${v21}/dry-run`, { token: TOKENS.write, json: {} });
        times.push(performance.now() - t);
        if (res.status !== 200 || (JSON.parse(res.body) as { would: string }).would !== 'success') throw new Error(`shadow dry run: ${res.status} ${res.body}`);
      }
      const shadow20 = percentiles(times);
      console.log(`  shadow dry run, 20-version history: p50 ${shadow20.p50} ms, max ${shadow20.max} ms (${runs} runs)`);

      await tenantAt(pool, service.port, big, [{ ddl: ORDERS, transactional: true, policy: 'strict' }]);
      const schema = `tenant_${big.replaceAll('-', '')}`;
      await pool.query(`INSERT INTO ${schema}.orders SELECT g, g % 5000, g % 1000 FROM generate_series(1, 1000000) AS g`);
      await pool.query(`VACUUM ANALYZE ${schema}.orders`);
      const v2 = await nextVersion(pool, big, 2, CHANGE);
      const answer = async (body: object) => {
        const t = performance.now();
        const res = await request(service.port, 'POST', `/v1/tenant-schemas/${v2}/dry-run`, { token: TOKENS.write, json: body });
        return { ms: round(performance.now() - t, 0), body: JSON.parse(res.body) as object };
      };
      const shadowBig = await answer({});
      const liveBounded = await answer({ mode: 'live', max_lock_ms: 500 });
      const liveFull = await answer({ mode: 'live', max_lock_ms: 600_000 });
      for (const [name, a] of [['shadow', shadowBig], ['live, max_lock_ms 500', liveBounded], ['live, unbounded', liveFull]] as const) {
        console.log(`  1,000,000 orders, ${name}: answered in ${a.ms} ms\n${JSON.stringify(a.body)}`);
      }
      const rows: Row[] = [
        { benchmark: 'shadow dry run, 20-version history, p50 ms', service: `${shadow20.p50}`, baseline: '', ratio: '', target: '<= 2000 ms', ok: shadow20.p50 <= 2000 ? '✔' : '✘' },
        { benchmark: 'dry run on 1,000,000 orders: shadow / live 500 ms / live unbounded, ms', service: `${shadowBig.ms} / ${liveBounded.ms} / ${liveFull.ms}`, baseline: '', ratio: '', target: 'info', ok: '' },
      ];
      return { rows, result: { shadow_20_versions_ms: shadow20, million_orders: { shadow: shadowBig, live_bounded: liveBounded, live_unbounded: liveFull } } };
    } finally {
      await service.stop();
    }
  } finally {
    await dropQueuePrefix(prefix);
    await db.drop();
    await dropTenantRoles([twenty, big, ...Array.from({ length: REPLAY_SLOTS }, (_, i) => replaySlot(i))]);
  }
}
