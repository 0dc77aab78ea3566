import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  type BenchDb,
  createBenchDb,
  dropQueuePrefix,
  dropTenantRoles,
  envInt,
  ratio,
  request,
  round,
  type Row,
  runConcurrent,
  serverCpuSeconds,
  SM,
  sleep,
  startService,
  TOKENS,
  type Topology,
  TS,
  WORKER_CONCURRENCY,
  waitUntil,
} from './support.js';

/** One 3-statement version, applied to N new tenants. */
const STATEMENTS = [
  'CREATE TABLE payments (id uuid PRIMARY KEY, amount numeric(12,2) NOT NULL)',
  'CREATE INDEX payments_amount_idx ON payments (amount)',
  `COMMENT ON TABLE payments IS 'money'`,
];
const BULK_MAX = 1000;

interface Definition {
  schema_id: string;
  tenant_id: string;
}

export async function newDefinitions(pool: pg.Pool, n: number, policy: 'strict' | 'trusted' = 'strict'): Promise<Definition[]> {
  const { rows } = await pool.query<Definition>(
    `INSERT INTO ${TS} (tenant_id, version, ddl, description, policy)
     SELECT gen_random_uuid(), 1, $1, 'bench fan-out', $3 FROM generate_series(1, $2)
     RETURNING schema_id, tenant_id`,
    [STATEMENTS.join(';\n'), n, policy],
  );
  return rows;
}

/** Through the service: bulk requests, then poll the database until every record has ended. */
export async function throughService(db: BenchDb, pool: pg.Pool, n: number, topology: Topology, tenantIds: string[], policy: 'strict' | 'trusted' = 'strict') {
  const prefix = `bss_bench_fanout_${randomBytes(3).toString('hex')}`;
  const defs = await newDefinitions(pool, n, policy);
  tenantIds.push(...defs.map((d) => d.tenant_id)); // their roles are dropped at the end
  const appliedBy = `bench-fanout-${topology}-${prefix.slice(-6)}`;
  const service = await startService(db, prefix, topology);
  try {
    const t0 = Date.now();
    const cpu0 = service.cpuTimes();
    const servers0 = serverCpuSeconds();
    for (let i = 0; i < defs.length; i += BULK_MAX) {
      const items = defs.slice(i, i + BULK_MAX).map((d) => ({ tenant_schema_id: d.schema_id, applied_by: appliedBy }));
      const res = await request(service.port, 'POST', '/v1/migrations/bulk', { token: TOKENS.write, json: { items } });
      if (res.status !== 202) throw new Error(`bulk request: ${res.status} ${res.body.slice(0, 500)}`);
      const refused = (JSON.parse(res.body) as { results: { status_code: number; message?: string }[] }).results.filter((r) => r.status_code !== 202);
      if (refused.length) throw new Error(`bulk request refused ${refused.length} items, e.g. ${JSON.stringify(refused[0])}`);
    }
    const requestMs = Date.now() - t0;
    let state = { ended: 0, failed: 0, last: new Date(0) };
    // The time comes from max(updated_at), so polling more often would only add load to PostgreSQL.
    await waitUntil(`${n} records to end`, 60_000 + n * 100, async () => {
      const { rows } = await pool.query<typeof state>(
        `SELECT count(*) FILTER (WHERE status <> 'pending')::int AS ended, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                max(updated_at) AS last
         FROM ${SM} WHERE applied_by = $1`,
        [appliedBy],
      );
      state = rows[0];
      return state.ended >= n;
    }, 250);
    if (state.failed) {
      const { rows } = await pool.query<{ details: string | null }>(`SELECT details FROM ${SM} WHERE applied_by = $1 AND status = 'failed' LIMIT 1`, [appliedBy]);
      throw new Error(`${state.failed} of ${n} records failed, e.g. ${rows[0].details}`);
    }
    const seconds = (state.last.getTime() - t0) / 1000;
    const cpu1 = service.cpuTimes();
    const servers = serverCpuMsPerTenant(servers0, n);
    const user = cpu1.user - cpu0.user;
    const system = cpu1.system - cpu0.system;
    const cpu = user + system;
    return {
      topology: service.describe,
      tenants: n,
      request_ms: requestMs,
      seconds: round(seconds, 3),
      tenants_per_s: round(n / seconds, 1),
      service_cpu_cores: round(cpu / ((Date.now() - t0) / 1000)),
      service_cpu_ms_per_tenant: round((cpu * 1000) / n),
      service_system_cpu_share: round(system / cpu),
      ...servers,
    };
  } finally {
    await service.stop();
    await dropQueuePrefix(prefix);
  }
}

/**
 * The same work straight on pg, one apply per tenant at the worker concurrency. `withRole` also does
 * what the service adds around the DDL (savepoint, tenant role created and granted, schema owned by
 * it, SET LOCAL ROLE): not part of the target, it shows how much of the gap is database work.
 */
export async function baseline(pool: pg.Pool, n: number, withRole: boolean, tenantIds: string[]) {
  const defs = await newDefinitions(pool, n);
  if (withRole) tenantIds.push(...defs.map((d) => d.tenant_id));
  const servers0 = serverCpuSeconds();
  const { seconds, clientCpu } = await runConcurrent(WORKER_CONCURRENCY, n, async (i) => {
    const { schema_id, tenant_id } = defs[i];
    const schema = `tenant_${tenant_id.replaceAll('-', '')}`;
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ migration_id: string }>(
        `INSERT INTO ${SM} (tenant_schema_id, tenant_id, version_applied, status, applied_by)
         VALUES ($1, $2, 1, 'pending', 'bench-fanout-baseline') RETURNING migration_id`,
        [schema_id, tenant_id],
      );
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('bss:tenant:' || $1::text, 0))`, [tenant_id]);
      if (withRole) {
        await client.query(`SAVEPOINT tenant_ddl; CREATE ROLE bss_${schema} NOLOGIN NOINHERIT; GRANT bss_${schema} TO CURRENT_USER`);
        await client.query(`CREATE SCHEMA ${schema} AUTHORIZATION bss_${schema}; SET LOCAL search_path TO ${schema}; SET LOCAL ROLE bss_${schema}`);
      } else {
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`SET LOCAL search_path TO ${schema}`);
      }
      for (const statement of STATEMENTS) await client.query(statement);
      if (withRole) await client.query('RESET ROLE');
      await client.query(`UPDATE ${SM} SET status = 'success', details = 'Applied schema version 1.', updated_at = clock_timestamp() WHERE migration_id = $1`, [
        rows[0].migration_id,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
  return {
    tenants: n,
    concurrency: WORKER_CONCURRENCY,
    with_tenant_role: withRole,
    seconds: round(seconds, 3),
    tenants_per_s: round(n / seconds, 1),
    client_cpu_ms_per_tenant: round((clientCpu * seconds * 1000) / n),
    ...serverCpuMsPerTenant(servers0, n),
  };
}

/** PostgreSQL's and Redis' CPU since `before`, per tenant: on 2 cores every process competes for the same CPU. */
export function serverCpuMsPerTenant(before: { postgres: number; redis: number }, n: number) {
  const now = serverCpuSeconds();
  return {
    postgres_cpu_ms_per_tenant: round(((now.postgres - before.postgres) * 1000) / n),
    redis_cpu_ms_per_tenant: round(((now.redis - before.redis) * 1000) / n),
  };
}

export async function fanout(): Promise<{ rows: Row[]; result: unknown }> {
  const n = envInt('BENCH_TENANTS', 1000);
  const topologies = (process.env.BENCH_FANOUT_TOPOLOGIES ?? 'all,split').split(',') as Topology[];
  const db = await createBenchDb();
  const pool = db.pool(WORKER_CONCURRENCY + 1);
  const tenantIds: string[] = [];
  try {
    console.log(`fan-out: ${n} tenants, WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, database ${db.name}`);
    // Runs get faster as the database warms up (the fresh database's catalog pages are first
    // written as full-page images, caches fill, WAL is recycled): an unmeasured warm-up as large
    // as a run, then the baseline both before and after the service, counted together.
    const warmup = await baseline(pool, n, false, tenantIds);
    console.log(`  warm-up (baseline, not counted): ${warmup.tenants_per_s} tenants/s`);
    const before = await baseline(pool, n, false, tenantIds);
    console.log(
      `  baseline (pg, ${WORKER_CONCURRENCY} connections), before the service: ${before.seconds} s, ${before.tenants_per_s} tenants/s; ` +
        `CPU per tenant: client ${before.client_cpu_ms_per_tenant} ms, PostgreSQL ${before.postgres_cpu_ms_per_tenant} ms`,
    );
    const services = [];
    for (const topology of topologies) {
      await sleep(1000);
      const svc = await throughService(db, pool, n, topology, tenantIds);
      services.push(svc);
      console.log(`  service (${svc.topology}): bulk requests ${svc.request_ms} ms, last success after ${svc.seconds} s, ${svc.tenants_per_s} tenants/s; service CPU ${svc.service_cpu_cores} cores; ` +
          `CPU per tenant: service ${svc.service_cpu_ms_per_tenant} ms (${Math.round(svc.service_system_cpu_share * 100)}% in the kernel), ` +
          `PostgreSQL ${svc.postgres_cpu_ms_per_tenant} ms, Redis ${svc.redis_cpu_ms_per_tenant} ms`);
    }
    const after = await baseline(pool, n, false, tenantIds);
    console.log(`  baseline, after the service: ${after.seconds} s, ${after.tenants_per_s} tenants/s; PostgreSQL CPU ${after.postgres_cpu_ms_per_tenant} ms per tenant`);
    const base = { tenants_per_s: round((2 * n) / (before.seconds + after.seconds), 1) };
    const withRole = await baseline(pool, n, true, tenantIds);
    console.log(`  baseline + tenant role as the service does (info only): ${withRole.seconds} s, ${withRole.tenants_per_s} tenants/s`);
    const rows: Row[] = services.map((svc) => {
      const r = svc.tenants_per_s / base.tenants_per_s;
      return {
        benchmark: `fan-out ${n} tenants, tenants/s (${svc.topology})`,
        service: `${svc.tenants_per_s}`,
        baseline: `${base.tenants_per_s}`,
        ratio: ratio(svc.tenants_per_s, base.tenants_per_s),
        target: '>= 0.77x (within 1.3x)',
        ok: r >= 1 / 1.3 ? '✔' : '✘',
      };
    });
    rows.push({
      benchmark: `fan-out baseline + tenant role, tenants/s (info)`,
      service: '',
      baseline: `${withRole.tenants_per_s}`,
      ratio: ratio(withRole.tenants_per_s, after.tenants_per_s),
      target: 'vs the baseline run before it',
      ok: '',
    });
    return { rows, result: { tenants: n, baseline: { ...base, before, after }, baseline_with_tenant_role: withRole, service: services } };
  } finally {
    await db.drop();
    console.log(`  dropped ${await dropTenantRoles(tenantIds)} tenant roles the run created`);
  }
}
