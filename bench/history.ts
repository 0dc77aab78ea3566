import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  createBenchDb,
  dropQueuePrefix,
  envInt,
  percentiles,
  ratio,
  request,
  round,
  type Row,
  runConcurrent,
  type Service,
  SM,
  startService,
  type Topology,
  TOKENS,
  TS,
} from './support.js';

const CONCURRENCY = 16;
/** The service's history query (src/audit/attempts.sql.ts), limit 50 + 1. */
const HISTORY_SQL = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at
FROM ${SM}
WHERE tenant_id = $1
ORDER BY created_at DESC, migration_id DESC
LIMIT 51`;

/** `records` over `tenants`, one definition each; per tenant one success, the rest failed, spread over a year. */
async function seed(pool: pg.Pool, tenants: number, records: number): Promise<string[]> {
  const perTenant = Math.ceil(records / tenants);
  const { rows } = await pool.query<{ tenant_id: string }>(
    `INSERT INTO ${TS} (tenant_id, version, ddl, description)
     SELECT gen_random_uuid(), 1, 'CREATE TABLE t (id int)', 'bench history' FROM generate_series(1, $1)
     RETURNING tenant_id`,
    [tenants],
  );
  await pool.query(
    `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, details, applied_by, created_at, updated_at)
     SELECT schema_id, tenant_id, 1, status, details, 'bench', at, at FROM (
       SELECT s.schema_id, s.tenant_id,
              CASE WHEN g = 1 THEN 'success' ELSE 'failed' END AS status,
              CASE WHEN g = 1 THEN 'Applied schema version 1. Created table ''t''.'
                   ELSE 'SQLSTATE 42P07: relation "t" already exists (statement 1 of 1): CREATE TABLE t (id int)' END AS details,
              now() - random() * interval '365 days' AS at
       FROM ${TS} s CROSS JOIN generate_series(1, $1) g
       OFFSET 0) x`,
    [perTenant],
  );
  await pool.query(`VACUUM (ANALYZE) ${TS}, ${SM}`);
  return rows.map((r) => r.tenant_id);
}

/**
 * Warm-up, then `total` requests on 16 loops; every one must succeed. CPU use is in cores
 * (CPU seconds per second): the bench client's own, and the service's when there is one.
 */
async function measure(total: number, warmup: number, task: (i: number) => Promise<void>, service?: Service) {
  await runConcurrent(CONCURRENCY, warmup, task);
  const serviceCpu = service?.cpuSeconds() ?? NaN;
  const { latencies, seconds, clientCpu } = await runConcurrent(CONCURRENCY, total, task);
  return {
    requests: total,
    seconds: round(seconds, 3),
    req_per_s: round(total / seconds, 1),
    latency_ms: percentiles(latencies),
    client_cpu_cores: clientCpu,
    ...(service ? { service_cpu_cores: round((service.cpuSeconds() - serviceCpu) / seconds) } : {}),
  };
}

export async function history(): Promise<{ rows: Row[]; result: unknown }> {
  const tenantsN = envInt('BENCH_HISTORY_TENANTS', 10_000);
  const recordsN = envInt('BENCH_HISTORY_RECORDS', 1_000_000);
  const total = envInt('BENCH_HISTORY_REQUESTS', 20_000);
  const warmup = Math.min(total, 2000);
  if (recordsN / tenantsN < 51) throw new Error('BENCH_HISTORY_RECORDS / BENCH_HISTORY_TENANTS must be at least 51 (a full page and one more)');
  // Reads are served by the api process; it answers ~10% more reads alone than as APP_ROLE=all (measured).
  const topology = (process.env.BENCH_TOPOLOGY ?? 'split') as Topology;
  const prefix = `bss_bench_history_${randomBytes(3).toString('hex')}`;
  const db = await createBenchDb();
  const pool = db.pool(CONCURRENCY);
  try {
    console.log(`history: ${recordsN} records over ${tenantsN} tenants, ${total} requests on ${CONCURRENCY} clients, database ${db.name}`);
    const t = performance.now();
    const tenants = await seed(pool, tenantsN, recordsN);
    console.log(`  seeded and analyzed in ${round((performance.now() - t) / 1000, 1)} s`);
    const pick = Array.from({ length: total }, () => tenants[Math.floor(Math.random() * tenants.length)]);

    const base = await measure(total, warmup, async (i) => {
      const { rows } = await pool.query(HISTORY_SQL, [pick[i]]);
      if (rows.length !== 51) throw new Error(`baseline read ${rows.length} rows, expected 51`);
    });
    console.log(
      `  baseline (pg Pool of ${CONCURRENCY}): ${base.req_per_s} req/s, p50 ${base.latency_ms.p50} ms, p99 ${base.latency_ms.p99} ms; client CPU ${base.client_cpu_cores} cores`,
    );

    const service = await startService(db, prefix, topology, { RETENTION_DAYS: '0' });
    const svc = await (async () => {
      const first = await request(service.port, 'GET', `/v1/tenants/${pick[0]}/migrations?limit=50`, { token: TOKENS.read });
      const page = JSON.parse(first.body) as { items?: unknown[]; next_cursor?: string | null };
      if (first.status !== 200 || page.items?.length !== 50 || !page.next_cursor) throw new Error(`unexpected page: ${first.status} ${first.body.slice(0, 300)}`);
      return measure(
        total,
        warmup,
        async (i) => {
          const res = await request(service.port, 'GET', `/v1/tenants/${pick[i]}/migrations?limit=50`, { token: TOKENS.read });
          if (res.status !== 200) throw new Error(`GET history: ${res.status} ${res.body.slice(0, 300)}`);
        },
        service,
      );
    })().finally(() => service.stop());
    console.log(
      `  service (${service.describe}): ${svc.req_per_s} req/s, p50 ${svc.latency_ms.p50} ms, p99 ${svc.latency_ms.p99} ms; ` +
        `CPU: service ${svc.service_cpu_cores} cores, client ${svc.client_cpu_cores} cores`,
    );

    const rows: Row[] = [
      {
        benchmark: 'history read p99, ms',
        service: `${svc.latency_ms.p99}`,
        baseline: `${base.latency_ms.p99}`,
        ratio: ratio(svc.latency_ms.p99, base.latency_ms.p99),
        target: '<= 10 ms',
        ok: svc.latency_ms.p99 <= 10 ? '✔' : '✘',
      },
      { benchmark: 'history read p50, ms', service: `${svc.latency_ms.p50}`, baseline: `${base.latency_ms.p50}`, ratio: ratio(svc.latency_ms.p50, base.latency_ms.p50), target: '', ok: '' },
      {
        benchmark: `history reads/s (${CONCURRENCY} clients)`,
        service: `${svc.req_per_s}`,
        baseline: `${base.req_per_s}`,
        ratio: ratio(svc.req_per_s, base.req_per_s),
        target: '>= 0.5x',
        ok: svc.req_per_s / base.req_per_s >= 0.5 ? '✔' : '✘',
      },
    ];
    return { rows, result: { records: recordsN, tenants: tenantsN, concurrency: CONCURRENCY, topology, baseline: base, service: svc } };
  } finally {
    await db.drop();
    await dropQueuePrefix(prefix);
  }
}
