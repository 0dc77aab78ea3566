import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { baseline, newDefinitions, serverCpuMsPerTenant, throughService } from './fanout.js';
import { type BenchDb, createBenchDb, dropQueuePrefix, dropTenantRoles, envInt, ratio, request, round, type Row, serverCpuSeconds, sleep, startService, TOKENS, type Topology, WORKER_CONCURRENCY, waitUntil } from './support.js';

/** One rollout of N new tenants to version 1: creation time, wall time to `completed`, tenants/s, CPU. */
async function throughRollout(db: BenchDb, pool: pg.Pool, n: number, topology: Topology, tenantIds: string[]) {
  const prefix = `bss_bench_rollout_${randomBytes(3).toString('hex')}`;
  const defs = await newDefinitions(pool, n);
  tenantIds.push(...defs.map((d) => d.tenant_id));
  const service = await startService(db, prefix, topology);
  try {
    const cpu0 = service.cpuTimes();
    const servers0 = serverCpuSeconds();
    const t0 = Date.now();
    const res = await request(service.port, 'POST', '/v1/rollouts', {
      token: TOKENS.write,
      json: { target_version: 1, tenant_ids: defs.map((d) => d.tenant_id), max_parallel: envInt('BENCH_ROLLOUT_MAX_PARALLEL', 64), applied_by: `bench-rollout-${prefix.slice(-6)}` },
    });
    const createMs = Date.now() - t0;
    if (res.status !== 201) throw new Error(`rollout request: ${res.status} ${res.body.slice(0, 500)}`);
    const rolloutId = (JSON.parse(res.body) as { rollout_id: string }).rollout_id;
    let rollout = { status: '', finished_at: null as string | null, counts: { success: 0, failed: 0, skipped: 0 } };
    await waitUntil(`rollout of ${n} tenants to complete`, 120_000 + n * 100, async () => {
      const r = await request(service.port, 'GET', `/v1/rollouts/${rolloutId}`, { token: TOKENS.read });
      rollout = JSON.parse(r.body) as typeof rollout;
      return rollout.finished_at !== null;
    }, 250);
    if (rollout.status !== 'completed' || rollout.counts.success !== n) throw new Error(`rollout ended ${rollout.status}: ${JSON.stringify(rollout.counts)}`);
    // The end comes from the rollout's own finished_at, so polling does not blur it.
    const seconds = (new Date(rollout.finished_at!).getTime() - t0) / 1000;
    const cpu1 = service.cpuTimes();
    const cpu = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
    return {
      topology: service.describe,
      tenants: n,
      create_ms: createMs,
      seconds: round(seconds, 3),
      tenants_per_s: round(n / seconds, 1),
      service_cpu_ms_per_tenant: round((cpu * 1000) / n),
      ...serverCpuMsPerTenant(servers0, n),
    };
  } finally {
    await service.stop();
    await dropQueuePrefix(prefix);
  }
}

export async function rollout(): Promise<{ rows: Row[]; result: unknown }> {
  const n = envInt('BENCH_ROLLOUT_TENANTS', 10_000);
  const topology = (process.env.BENCH_ROLLOUT_TOPOLOGY ?? 'all') as Topology;
  const db = await createBenchDb();
  const pool = db.pool(WORKER_CONCURRENCY + 1);
  const tenantIds: string[] = [];
  try {
    console.log(`rollout: ${n} tenants, WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, topology ${topology}, database ${db.name}`);
    const warmup = await baseline(pool, n, true, tenantIds);
    console.log(`  warm-up (baseline, not counted): ${warmup.tenants_per_s} tenants/s`);
    const base = await baseline(pool, n, true, tenantIds);
    console.log(`  baseline (pg, ${WORKER_CONCURRENCY} connections; pending, role and schema, lock, DDL, success, commit): ${base.seconds} s, ${base.tenants_per_s} tenants/s; PostgreSQL ${base.postgres_cpu_ms_per_tenant} ms/tenant`);
    await sleep(1000);
    const viaRollout = await throughRollout(db, pool, n, topology, tenantIds);
    console.log(
      `  rollout: created in ${viaRollout.create_ms} ms, completed after ${viaRollout.seconds} s, ${viaRollout.tenants_per_s} tenants/s; CPU per tenant: service ${viaRollout.service_cpu_ms_per_tenant} ms, PostgreSQL ${viaRollout.postgres_cpu_ms_per_tenant} ms, Redis ${viaRollout.redis_cpu_ms_per_tenant} ms`,
    );
    await sleep(1000);
    const viaBulk = await throughService(db, pool, n, topology, tenantIds);
    console.log(`  bulk route: last success after ${viaBulk.seconds} s, ${viaBulk.tenants_per_s} tenants/s; CPU per tenant: service ${viaBulk.service_cpu_ms_per_tenant} ms, PostgreSQL ${viaBulk.postgres_cpu_ms_per_tenant} ms`);
    const rows: Row[] = [
      { benchmark: `rollout of ${n} tenants: creation, ms`, service: `${viaRollout.create_ms}`, baseline: '', ratio: '', target: '<= 2000 ms', ok: viaRollout.create_ms <= 2000 ? '✔' : '✘' },
      { benchmark: `rollout of ${n} tenants: wall time to completed, s`, service: `${viaRollout.seconds}`, baseline: '', ratio: '', target: '<= 60 s', ok: viaRollout.seconds <= 60 ? '✔' : '✘' },
      {
        benchmark: `rollout vs bulk route, tenants/s`,
        service: `${viaRollout.tenants_per_s}`,
        baseline: `${viaBulk.tenants_per_s}`,
        ratio: ratio(viaRollout.tenants_per_s, viaBulk.tenants_per_s),
        target: '>= 0.91x (within 1.1x)',
        ok: viaRollout.tenants_per_s * 1.1 >= viaBulk.tenants_per_s ? '✔' : '✘',
      },
      {
        benchmark: `rollout vs pg baseline, tenants/s`,
        service: `${viaRollout.tenants_per_s}`,
        baseline: `${base.tenants_per_s}`,
        ratio: ratio(viaRollout.tenants_per_s, base.tenants_per_s),
        target: '>= 0.87x (within 1.15x)',
        ok: viaRollout.tenants_per_s * 1.15 >= base.tenants_per_s ? '✔' : '✘',
      },
    ];
    return { rows, result: { tenants: n, baseline: base, rollout: viaRollout, bulk: viaBulk } };
  } finally {
    await db.drop();
    console.log(`  dropped ${await dropTenantRoles(tenantIds)} tenant roles the run created`);
  }
}
