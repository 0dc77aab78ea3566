import { throughService } from './fanout.js';
import { createBenchDb, dropTenantRoles, envInt, ratio, type Row, sleep, type Topology, WORKER_CONCURRENCY } from './support.js';

/**
 * What a trusted apply costs against a strict one: the same 3-statement version for N new tenants
 * through the bulk route, stored `strict` (SET LOCAL ROLE on the apply's connection) and then
 * `trusted` (an apply session of the worker's pool, lent the tenant's role for the attempt).
 */
export async function trusted(): Promise<{ rows: Row[]; result: unknown }> {
  const n = envInt('BENCH_TENANTS', 1000);
  const topology = (process.env.BENCH_TRUSTED_TOPOLOGY ?? 'all') as Topology;
  const db = await createBenchDb();
  const pool = db.pool(WORKER_CONCURRENCY + 1);
  const tenantIds: string[] = [];
  try {
    console.log(`trusted vs strict: ${n} tenants, WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, database ${db.name}`);
    const warmup = await throughService(db, pool, n, topology, tenantIds, 'strict');
    console.log(`  warm-up (strict, not counted): ${warmup.tenants_per_s} tenants/s`);
    await sleep(1000);
    const strict = await throughService(db, pool, n, topology, tenantIds, 'strict');
    console.log(`  strict: ${strict.tenants_per_s} tenants/s; CPU per tenant: service ${strict.service_cpu_ms_per_tenant} ms, PostgreSQL ${strict.postgres_cpu_ms_per_tenant} ms`);
    await sleep(1000);
    const trustedRun = await throughService(db, pool, n, topology, tenantIds, 'trusted');
    console.log(`  trusted: ${trustedRun.tenants_per_s} tenants/s; CPU per tenant: service ${trustedRun.service_cpu_ms_per_tenant} ms, PostgreSQL ${trustedRun.postgres_cpu_ms_per_tenant} ms`);
    const rows: Row[] = [
      {
        benchmark: `trusted vs strict apply, ${n} tenants, tenants/s`,
        service: `${trustedRun.tenants_per_s}`,
        baseline: `${strict.tenants_per_s}`,
        ratio: ratio(trustedRun.tenants_per_s, strict.tenants_per_s),
        target: '>= 0.7x strict',
        ok: trustedRun.tenants_per_s >= 0.7 * strict.tenants_per_s ? '✔' : '✘',
      },
      {
        benchmark: 'trusted vs strict, PostgreSQL CPU ms per tenant',
        service: `${trustedRun.postgres_cpu_ms_per_tenant}`,
        baseline: `${strict.postgres_cpu_ms_per_tenant}`,
        ratio: ratio(trustedRun.postgres_cpu_ms_per_tenant, strict.postgres_cpu_ms_per_tenant),
        target: 'info',
        ok: '',
      },
    ];
    return { rows, result: { tenants: n, strict, trusted: trustedRun } };
  } finally {
    await db.drop();
    console.log(`  dropped ${await dropTenantRoles(tenantIds)} tenant roles the run created`);
  }
}
