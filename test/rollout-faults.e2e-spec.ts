import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { createRollout, defineFleet, getRollout, rolloutReaches, rolloutTenants } from './factories/rollout.factory.js';
import { testPool } from './support/db.js';
import { freePort } from './support/private-postgres.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startWorker, type WorkerProcess, workerReady } from './support/worker-process.js';

const SLOW_V1 = 'CREATE TABLE orders (id int); INSERT INTO orders SELECT 1 FROM pg_sleep(0.1)';
const done = (r: { finished_at: string | null }) => r.finished_at !== null;

/** Per tenant and version: exactly one successful record, and no other attempt at all. */
async function expectEachVersionOnce(db: ReturnType<typeof testPool>, tenants: string[]) {
  const { rows } = await db.query<{ tenant_id: string; version_applied: number; attempts: number; successes: number }>(
    `SELECT tenant_id, version_applied, count(*)::int AS attempts, count(*) FILTER (WHERE status = 'success')::int AS successes
     FROM business_store_service.schema_migrations WHERE tenant_id = ANY($1) GROUP BY 1, 2`,
    [tenants],
  );
  expect(rows).toHaveLength(tenants.length);
  expect(rows.filter((r) => r.attempts !== 1 || r.successes !== 1)).toEqual([]);
}

describe('a rollout survives its worker killed with SIGKILL', () => {
  const db = testPool();
  let t: TestApp;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await t.close();
    await db.end();
  });

  it('continues after a restart: every tenant reaches the target once, none forgotten', async () => {
    const tenants = await defineFleet(db, 60, [SLOW_V1]);
    const first = startWorker({ WORKER_CONCURRENCY: '4' });
    workers.push(first);
    await workerReady(first);
    const r = await createRollout(t, { target_version: 1, tenant_ids: tenants, waves: [5], max_parallel: 4 });
    await rolloutReaches(t, r.rollout_id, 'under way', (x) => x.counts.success >= 10);
    first.child.kill('SIGKILL');
    await first.exited;
    const mid = await getRollout(t, r.rollout_id);
    expect(mid.counts.queued).toBeGreaterThan(0);

    const second = startWorker({ WORKER_CONCURRENCY: '4' });
    workers.push(second);
    await workerReady(second);
    const end = await rolloutReaches(t, r.rollout_id, 'completed', done, 90_000);
    expect(end).toMatchObject({ status: 'completed', counts: { total: 60, success: 60, failed: 0, queued: 0, running: 0 } });
    await expectEachVersionOnce(db, tenants);
    const listed = await rolloutTenants(t, r.rollout_id);
    expect(listed.filter((x) => x.status !== 'success')).toEqual([]);
    expect(listed.every((x) => x.migration_ids.length === 1)).toBe(true);
  }, 120_000);
});

describe('a rollout survives a Redis that loses everything', () => {
  const db = testPool();
  let port: number;
  let redis: ChildProcess;
  let t: TestApp;

  const startRedis = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis to answer', async () => {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      const ok = await probe.connect().then(() => probe.ping(), () => false);
      probe.disconnect();
      return ok === 'PONG';
    });
    return child;
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis();
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, RECONCILE_EVERY_MS: '1000', WORKER_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    await t.close();
    redis.kill('SIGKILL');
    await db.end();
  });

  it('recovers the rollout and its attempts from PostgreSQL', async () => {
    const tenants = await defineFleet(db, 40, [SLOW_V1]);
    const r = await createRollout(t, { target_version: 1, tenant_ids: tenants, max_parallel: 4 });
    await rolloutReaches(t, r.rollout_id, 'under way', (x) => x.counts.success >= 5);
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    redis = await startRedis(); // empty: the rollout's job and the queued attempts are gone
    const end = await rolloutReaches(t, r.rollout_id, 'completed', done, 90_000);
    expect(end.counts).toMatchObject({ total: 40, success: 40, failed: 0 });
    await expectEachVersionOnce(db, tenants);
  }, 120_000);
});
