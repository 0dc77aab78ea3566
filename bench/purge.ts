import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type BenchDb,
  createBenchDb,
  dropQueuePrefix,
  envInt,
  percentiles,
  ratio,
  request,
  round,
  type Row,
  SM,
  sleep,
  startService,
  type Topology,
  TOKENS,
  TS,
} from './support.js';

const TENANTS = 10_000;
/** Per set, rows that must survive: 1000 latest successes, 1000 pending, 1000 recent failures, all from 1000 tenants each. */
const KEPT = 3000;
const INSERT_SQL = `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, details, applied_by)
VALUES ($1, $2, 1, 'failed', 'bench insert load', 'bench-load')`;

/** `rows` expired failures (400 days old) over 10,000 new tenants, plus KEPT rows the purge must leave. */
async function seedSet(pool: pg.Pool, rows: number): Promise<string> {
  const tag = `bench purge ${randomBytes(4).toString('hex')}`;
  await pool.query(
    `INSERT INTO ${TS} (tenant_id, version, ddl, description)
     SELECT gen_random_uuid(), 1, 'CREATE TABLE t (id int)', $1 FROM generate_series(1, $2)`,
    [tag, TENANTS],
  );
  await pool.query(
    `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, details, applied_by, created_at, updated_at)
     SELECT schema_id, tenant_id, 1, 'failed', 'SQLSTATE 42P07: relation "t" already exists', 'bench', at, at FROM (
       SELECT s.schema_id, s.tenant_id, now() - interval '400 days' - random() * interval '1 day' AS at
       FROM ${TS} s CROSS JOIN generate_series(1, $2) g WHERE s.description = $1
       OFFSET 0) x`,
    [tag, Math.ceil(rows / TENANTS)],
  );
  await pool.query(
    `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, details, applied_by, created_at, updated_at)
     SELECT schema_id, tenant_id, 1, k.status, 'must stay', 'bench', k.at, k.at
     FROM (SELECT schema_id, tenant_id, row_number() OVER () AS n FROM ${TS} WHERE description = $1) s
     JOIN (VALUES (0, 'success', now() - interval '400 days'), (1, 'pending', now() - interval '400 days'),
                  (2, 'failed', now() - interval '1 hour')) AS k(slot, status, at)
       ON s.n <= 3000 AND s.n % 3 = k.slot`,
    [tag],
  );
  await pool.query(`VACUUM (ANALYZE) ${SM}`);
  return tag;
}

async function remaining(pool: pg.Pool, tag: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${SM} m JOIN ${TS} s ON s.schema_id = m.tenant_schema_id WHERE s.description = $1`,
    [tag],
  );
  return rows[0].n;
}

/** Single autocommit inserts on a connection of their own, as fast as they go, until stopped (or 20 minutes). */
function insertLoad(client: pg.Client, defs: { schema_id: string; tenant_id: string }[]) {
  const samples: { at: number; ms: number }[] = [];
  let stop = false;
  const running = (async () => {
    const deadline = Date.now() + 20 * 60_000;
    for (let i = 0; !stop && i < 10_000_000 && Date.now() < deadline; i++) {
      const d = defs[i % defs.length];
      const at = performance.now();
      await client.query({ name: 'bench_insert', text: INSERT_SQL, values: [d.schema_id, d.tenant_id] });
      samples.push({ at, ms: performance.now() - at });
    }
  })();
  return {
    async stop() {
      stop = true;
      await running;
    },
    between: (from: number, to: number) => percentiles(samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms)),
  };
}

/** Runs `purge` under the insert load; insert latencies are those of inserts started during the purge. */
async function underLoad(db: BenchDb, defs: { schema_id: string; tenant_id: string }[], purge: () => Promise<number>) {
  const client = new pg.Client({ connectionString: db.url, application_name: 'bss-bench-load' });
  await client.connect();
  const load = insertLoad(client, defs);
  try {
    await sleep(2000);
    const t0 = performance.now();
    const deleted = await purge();
    const t1 = performance.now();
    await load.stop();
    const seconds = (t1 - t0) / 1000;
    return {
      deleted,
      seconds: round(seconds, 2),
      rows_per_s: Math.round(deleted / seconds),
      insert_idle_ms: load.between(t0 - 2000, t0),
      insert_during_purge_ms: load.between(t0, t1),
    };
  } finally {
    await load.stop();
    await client.end();
  }
}

function describe(run: Awaited<ReturnType<typeof underLoad>>): string {
  const { n, p50, p99, max } = run.insert_during_purge_ms;
  return `${run.deleted} rows in ${run.seconds} s (${run.rows_per_s} rows/s); ${n} inserts meanwhile, p50 ${p50} / p99 ${p99} / max ${max} ms (idle p99 ${run.insert_idle_ms.p99} ms)`;
}

async function oneBatchSize(db: BenchDb, pool: pg.Pool, loadDefs: { schema_id: string; tenant_id: string }[], rows: number, batchSize: number, topology: Topology) {
  const prefix = `bss_bench_purge_${randomBytes(3).toString('hex')}`;
  let tag = await seedSet(pool, rows);
  const service = await startService(db, prefix, topology, { RETENTION_BATCH_SIZE: String(batchSize) });
  const svc = await underLoad(db, loadDefs, async () => {
    const res = await request(service.port, 'POST', '/v1/retention/purge', { token: TOKENS.admin });
    if (res.status !== 200) throw new Error(`purge: ${res.status} ${res.body.slice(0, 300)}`);
    return (JSON.parse(res.body) as { deleted: number }).deleted;
  }).finally(async () => {
    await service.stop();
    await dropQueuePrefix(prefix);
  });
  const svcKept = await remaining(pool, tag);
  console.log(`  batch ${batchSize} service (${service.describe}): ${describe(svc)}`);

  tag = await seedSet(pool, rows);
  const cutoff = new Date(Date.now() - 86_400_000); // what APP_ENV=test keeps: 1 day
  const base = await underLoad(db, loadDefs, async () => {
    let deleted = 0;
    for (let batch = batchSize; batch === batchSize; ) {
      const { rows: r } = await pool.query<{ n: number }>('SELECT business_store_service.purge_schema_migrations($1, $2) AS n', [cutoff, batchSize]);
      batch = r[0].n;
      deleted += batch;
    }
    return deleted;
  });
  const baseKept = await remaining(pool, tag);
  console.log(`  batch ${batchSize} baseline (pg): ${describe(base)}`);
  if (svc.deleted !== rows || base.deleted !== rows || svcKept !== KEPT || baseKept !== KEPT) {
    throw new Error(`purge deleted ${svc.deleted}/${base.deleted} and kept ${svcKept}/${baseKept}; expected ${rows} and ${KEPT}`);
  }
  return { batch_size: batchSize, topology: service.describe, service: svc, baseline: base };
}

export async function purge(): Promise<{ rows: Row[]; result: unknown }> {
  const rowsN = Math.ceil(envInt('BENCH_PURGE_ROWS', 1_000_000) / TENANTS) * TENANTS;
  const batchSizes = (process.env.BENCH_PURGE_BATCH_SIZES ?? '5000').split(',').map(Number);
  // HTTP only: a worker's reconciler would start applying the kept pending records mid-purge.
  const topology = (process.env.BENCH_TOPOLOGY ?? 'api') as Topology;
  const db = await createBenchDb();
  const pool = db.pool(2);
  try {
    console.log(`purge: ${rowsN} expired rows (+${KEPT} to keep) per set, batch sizes ${batchSizes.join(', ')}, database ${db.name}`);
    const { rows: loadDefs } = await pool.query<{ schema_id: string; tenant_id: string }>(
      `INSERT INTO ${TS} (tenant_id, version, ddl, description)
       SELECT gen_random_uuid(), 1, 'CREATE TABLE t (id int)', 'bench purge load' FROM generate_series(1, 100)
       RETURNING schema_id, tenant_id`,
    );
    const runs = [];
    for (const batchSize of batchSizes) runs.push(await oneBatchSize(db, pool, loadDefs, rowsN, batchSize, topology));
    const rows: Row[] = runs.flatMap(({ batch_size, service: s, baseline: b }) => [
      { benchmark: `purge ${rowsN} rows, seconds (batch ${batch_size})`, service: `${s.seconds}`, baseline: `${b.seconds}`, ratio: ratio(s.seconds, b.seconds), target: '', ok: '' },
      { benchmark: `purge ${rowsN} rows, rows/s (batch ${batch_size})`, service: `${s.rows_per_s}`, baseline: `${b.rows_per_s}`, ratio: ratio(s.rows_per_s, b.rows_per_s), target: '', ok: '' },
      {
        benchmark: `insert p99 during purge, ms (batch ${batch_size})`,
        service: `${s.insert_during_purge_ms.p99}`,
        baseline: `${b.insert_during_purge_ms.p99}`,
        ratio: ratio(s.insert_during_purge_ms.p99, b.insert_during_purge_ms.p99),
        target: '<= 20 ms',
        ok: s.insert_during_purge_ms.p99 <= 20 ? '✔' : '✘',
      },
    ]);
    return { rows, result: { rows: rowsN, kept_per_set: KEPT, runs } };
  } finally {
    await db.drop();
  }
}
